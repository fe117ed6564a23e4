/**
 * Moves each `listen` of the user's stream and http servers to a run-owned address (flags such as `ssl`,
 * `proxy_protocol`, `reuseport` kept), shares one run address among http virtual hosts of one port, and records which
 * upstreams each listen reaches, so endpoints can be chosen by what the servers behind them serve.
 */
import { ConfigError } from '../../errors.js';
import type { NginxEdits } from './edits.js';
import { parseListenAddress, formatHostPort } from './addresses.js';
import type { NginxDirective } from './parse.js';

export interface NginxLocationTarget {
  /** The location's path (`/mqtt`), its modifier (`=`, `~`, `^~`) when written. */
  path: string;
  modifier?: string;
  backend: string;
  file: string;
  line: number;
}

export interface NginxListen {
  /** `stream:1883`, `http:8083`: context and the listen address as written. */
  frontend: string;
  context: 'stream' | 'http';
  file: string;
  line: number;
  /** The listen address as written (`1883`, `[::]:8883`; `(default *:80)` for an http server without listen). */
  original: string;
  host: string;
  port: number;
  ssl: boolean;
  /** `listen … proxy_protocol`: clients must send a PROXY header. */
  proxyProtocol: boolean;
  serverFile: string;
  serverLine: number;
  /** The upstream a client of this listen reaches by default (stream: proxy_pass; http: location `/`, else the first). */
  backend?: string;
  /** Every upstream reachable through this listen. */
  backends: string[];
  /** http: the locations that proxy to an upstream. */
  locations: NginxLocationTarget[];
}

interface ServerState {
  block: NginxDirective;
  ctx: 'stream' | 'http';
  listens: NginxListen[];
  keys: Set<string>;
  targets: NginxLocationTarget[];
  status?: { path: string; line: number; file: string };
}

function locationPath(location: NginxDirective | undefined): { path: string; modifier?: string } {
  if (!location) return { path: '/' };
  const [a = '/', b] = location.args;
  return b === undefined ? { path: a } : { path: b, modifier: a };
}

export class ListenMapper {
  readonly all: NginxListen[] = [];
  statusPage?: { host: string; port: number; path: string; file: string; line: number };
  private readonly servers = new Map<NginxDirective, ServerState>();
  private readonly placed = new Map<string, { host: string; port: number; hasDefault: boolean }>();
  private readonly used = new Set<string>();

  constructor(
    private readonly edits: NginxEdits,
    private readonly placeBind: (port: number, used: Set<string>) => Promise<{ host: string; port: number }>,
  ) {}

  openServer(block: NginxDirective, ctx: 'stream' | 'http'): void {
    this.servers.set(block, { block, ctx, listens: [], keys: new Set(), targets: [] });
  }

  private state(server: NginxDirective | undefined): ServerState | undefined {
    return server ? this.servers.get(server) : undefined;
  }

  async listen(d: NginxDirective, server: NginxDirective, ctx: string): Promise<void> {
    const s = this.state(server);
    if (!s) return;
    const written = d.args[0] ?? '';
    const addr = parseListenAddress(written);
    if (addr === 'unix')
      throw new ConfigError(
        `listen on a unix socket (${written}) cannot be an MQTT endpoint`,
        d.file,
        d.line,
        'listen on a port',
      );
    const port = addr.port ?? (ctx === 'http' ? 80 : undefined);
    if (port === undefined)
      throw new ConfigError(`listen '${written}' has no port`, d.file, d.line, 'write the port, e.g. `listen 1883;`');
    const params = d.argTokens.slice(1).map((t) => t.raw);
    const udp = params.includes('udp') || params.includes('quic');
    const key = `${ctx}|${port}|${udp ? 'udp' : 'tcp'}`;
    if (s.keys.has(key)) {
      this.edits.neutralise(
        d,
        `another address of port ${port} (line ${s.listens.find((l) => l.port === this.placed.get(key)?.port)?.line ?? '?'}): one run address serves both`,
        'listen',
      );
      return;
    }
    let at = this.placed.get(key);
    const dropped = params.filter((p) => p.startsWith('ipv6only='));
    let kept = params.filter((p) => !dropped.includes(p));
    if (!at) {
      const where = await this.placeBind(port, this.used);
      this.used.add(`${where.host}:${where.port}`);
      at = { ...where, hasDefault: false };
      this.placed.set(key, at);
    } else if (at.hasDefault && kept.some((p) => p === 'default_server' || p === 'default')) {
      kept = kept.filter((p) => p !== 'default_server' && p !== 'default');
      dropped.push('default_server');
    }
    if (kept.includes('default_server') || kept.includes('default')) at.hasDefault = true;
    s.keys.add(key);
    const to = ['listen', formatHostPort(at.host, at.port), ...kept].join(' ') + ';';
    this.edits.replace(
      d,
      to,
      `listen ${written} moved to a run-owned address${dropped.length ? ` (dropped: ${dropped.join(' ')})` : ''}`,
      'listen',
    );
    const l: NginxListen = {
      frontend: `${s.ctx}:${written}`,
      context: s.ctx,
      file: d.file,
      line: d.line,
      original: written,
      host: at.host,
      port: at.port,
      ssl: kept.includes('ssl'),
      proxyProtocol: kept.includes('proxy_protocol'),
      serverFile: server.file,
      serverLine: server.line,
      backends: [],
      locations: [],
    };
    if (!udp) {
      s.listens.push(l);
      this.all.push(l);
    }
  }

  target(server: NginxDirective | undefined, backend: string, d: NginxDirective, location?: NginxDirective): void {
    this.state(server)?.targets.push({ ...locationPath(location), backend, file: d.file, line: d.line });
  }

  status(server: NginxDirective | undefined, location: NginxDirective | undefined, d: NginxDirective): void {
    const s = this.state(server);
    if (s && d.args[0] !== 'off') s.status = { path: locationPath(location).path, file: d.file, line: d.line };
  }

  /** http servers without listen get one (nginx's default *:80 moved); backends are filled in. */
  async finish(): Promise<void> {
    for (const s of this.servers.values()) {
      if (s.ctx === 'http' && !s.listens.length && !s.keys.size) {
        const key = 'http|80|tcp';
        let at = this.placed.get(key);
        if (!at) {
          const where = await this.placeBind(80, this.used);
          this.used.add(`${where.host}:${where.port}`);
          at = { ...where, hasDefault: false };
          this.placed.set(key, at);
        }
        this.edits.insertAfterOpen(
          s.block,
          `listen ${formatHostPort(at.host, at.port)};`,
          'http server without listen (nginx default *:80) moved to a run-owned address',
          'listen',
        );
        const l: NginxListen = {
          frontend: 'http:(default *:80)',
          context: 'http',
          file: s.block.file,
          line: s.block.line,
          original: '*:80',
          host: at.host,
          port: at.port,
          ssl: false,
          proxyProtocol: false,
          serverFile: s.block.file,
          serverLine: s.block.line,
          backends: [],
          locations: [],
        };
        s.listens.push(l);
        this.all.push(l);
      }
      const backends = [...new Set(s.targets.map((t) => t.backend))];
      const main = s.targets.find((t) => t.path === '/' && !t.modifier)?.backend ?? backends[0];
      for (const l of s.listens) {
        l.backends = backends;
        l.backend = main;
        l.locations = s.ctx === 'http' ? s.targets : [];
      }
      const first = s.listens[0];
      if (s.status && first && !this.statusPage) this.statusPage = { host: first.host, port: first.port, ...s.status };
    }
  }
}
