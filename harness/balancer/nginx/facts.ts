/**
 * BalancerFacts from an nginx.conf, shaped like HAProxy's so the suites' judgements read them: the algorithm in
 * HAProxy's words (least_conn → leastconn, hash $remote_addr / ip_hash → source, random → random; the NGINX line
 * in `source`), weights, passive failure counting as the servers' "check" (kind 'passive': open-source NGINX has no
 * active health check, only max_fails/fail_timeout), idle timeouts (stream proxy_timeout, default 10m; http
 * proxy_read_timeout, default 60s) with the block they are read from, WebSocket problems, and connection limits —
 * plus the NGINX-only facts in `nginx` (./facts-types.ts).
 */
import os from 'node:os';
import type { MappingEntry } from '../../types.js';
import type { BackendFacts, FrontendFacts, Located, ServerFacts, TimeoutFacts } from '../../facts.js';
import { SERVICE_PORTS } from '../balancer.js';
import { childrenNamed, parseNginxTime, walkNginx, type NginxDirective, type ParsedNginx } from './parse.js';
import type { NginxListen } from './map-listen.js';
import type {
  NginxFacts,
  NginxLimitFacts,
  NginxProxyFacts,
  NginxStatement,
  NginxUpstreamFacts,
} from './facts-types.js';
import { NGINX_DEFAULTS, locatedFrom, proxyFacts } from './proxy-facts.js';
import { backendName, upstreamNames } from './targets.js';
import { nginxStatements } from './statements.js';

export type * from './facts-types.js';

const METHODS = ['least_conn', 'hash', 'ip_hash', 'random', 'least_time', 'sticky'];

/** The balancing method in HAProxy's words (what the fairness and failover judgements know). */
export function algorithmOf(method: string[]): string {
  const [name, key = '', ...rest] = method;
  if (name === 'least_conn') return 'leastconn';
  if (name === 'ip_hash') return 'source';
  if (name === 'hash' && /^\$(binary_)?remote_addr$/.test(key))
    return rest.includes('consistent') ? 'source consistent' : 'source';
  if (name === 'hash') return `hash ${[key, ...rest].join(' ')}`.trim();
  if (name === 'random') return ['random', key, ...rest].join(' ').trim();
  return 'roundrobin';
}

function param(d: NginxDirective, name: string): string | undefined {
  return d.args
    .slice(1)
    .find((a) => a.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

function upstreamFacts(parsed: ParsedNginx, mapping: readonly MappingEntry[]): NginxUpstreamFacts[] {
  const names = upstreamNames(parsed);
  const main = parsed.file;
  const out: NginxUpstreamFacts[] = [];
  walkNginx(parsed.root.directives, (u) => {
    const ctx = u.context[0];
    if (u.name !== 'upstream' || !u.block || (ctx !== 'stream' && ctx !== 'http')) return;
    const name = backendName(names, ctx, u.args[0] ?? '');
    const methodLine = METHODS.flatMap((m) => childrenNamed(u, m)).at(-1);
    const zone = childrenNamed(u, 'zone').at(-1);
    const servers = childrenNamed(u, 'server').map((s) => {
      const addr = s.args[0] ?? '';
      const maxFails = param(s, 'max_fails');
      const failTimeout = param(s, 'fail_timeout');
      const maxConns = Number(param(s, 'max_conns'));
      const failMs = failTimeout ? parseNginxTime(failTimeout) : undefined;
      return {
        backend: name,
        name: addr,
        node: mapping.find((m) => m.backend === name && m.server === addr && m.line === s.line)?.node ?? '',
        file: s.file,
        line: s.line,
        weight: param(s, 'weight') ? locatedFrom(Number(param(s, 'weight')), s, main) : { value: 1 },
        maxFails: maxFails ? locatedFrom(Number(maxFails), s, main) : { value: NGINX_DEFAULTS.maxFails },
        failTimeoutMs: failMs !== undefined ? locatedFrom(failMs, s, main) : { value: NGINX_DEFAULTS.failTimeoutMs },
        down: s.args.includes('down') ? locatedFrom(true, s, main) : undefined,
        backup: s.args.includes('backup') ? locatedFrom(true, s, main) : undefined,
        maxConns: maxConns > 0 ? locatedFrom(maxConns, s, main) : undefined,
      };
    });
    out.push({
      name,
      context: ctx,
      file: u.file,
      line: u.line,
      method: methodLine
        ? locatedFrom([methodLine.name, ...methodLine.args].join(' '), methodLine, main)
        : { value: 'round-robin' },
      zone: zone ? locatedFrom(zone.args[0] ?? '', zone, main) : undefined,
      servers,
    });
  });
  return out;
}

function limitFacts(parsed: ParsedNginx): NginxLimitFacts {
  const main = parsed.file;
  const top = (name: string): NginxDirective | undefined =>
    parsed.root.directives
      .flatMap((d) => (d.name === 'include' ? [] : [d]))
      .filter((d) => d.name === name)
      .at(-1) ?? childrenNamed({ block: parsed.root.directives } as NginxDirective, name).at(-1);
  const wp = top('worker_processes');
  const events = top('events');
  const wc = childrenNamed(events, 'worker_connections').at(-1);
  const rl = top('worker_rlimit_nofile');
  return {
    workerProcesses: wp ? locatedFrom(wp.args[0] ?? '1', wp, main) : { value: '1' },
    workerConnections: wc ? locatedFrom(Number(wc.args[0]), wc, main) : { value: NGINX_DEFAULTS.workerConnections },
    workerRlimitNofile: rl ? locatedFrom(Number(rl.args[0]), rl, main) : undefined,
  };
}

function backendFacts(
  u: NginxUpstreamFacts,
  proxy: NginxProxyFacts | undefined,
  limits: NginxLimitFacts,
  cpus: number,
): BackendFacts {
  const servers: ServerFacts[] = u.servers.map((s) => ({
    name: s.name,
    node: s.node,
    // a `down` server takes no traffic: weight 0 for the share models
    weight: s.down ? { ...s.down, value: 0 } : s.weight,
    line: s.line,
    check: {
      kind: {
        value: 'passive',
        line: s.line,
        source: `upstream ${u.name} (line ${u.line}): server ${s.name} max_fails=${s.maxFails.value}${s.maxFails.line ? '' : ' (default)'} fail_timeout=${s.failTimeoutMs.value / 1000}s${s.failTimeoutMs.line ? '' : ' (default)'}`,
      },
      interMs: s.failTimeoutMs,
      fall: s.maxFails,
      rise: { value: 1 },
      timeoutMs: proxy?.connectTimeoutMs,
      shutdownSessionsOnDown: { value: false },
    },
    backup: s.backup,
    maxconn: s.maxConns,
    sendProxy: proxy?.proxyProtocol ? { ...proxy.proxyProtocol, value: 'v1' } : undefined,
  }));
  const idle = proxy?.idleTimeoutMs ?? {
    value: u.context === 'stream' ? NGINX_DEFAULTS.streamProxyTimeoutMs : NGINX_DEFAULTS.httpReadTimeoutMs,
    source: u.context === 'stream' ? 'proxy_timeout' : 'proxy_read_timeout',
  };
  const workers = /^\d+$/.test(limits.workerProcesses.value) ? Number(limits.workerProcesses.value) : cpus;
  const wc = limits.workerConnections;
  return {
    name: u.name,
    algorithm: { ...u.method, value: algorithmOf(u.method.value.split(/\s+/)) },
    clientIdStickiness: /mqtt_preread_clientid/.test(u.method.value) ? { ...u.method, value: true } : undefined,
    servers,
    timeouts: { clientMs: idle, serverMs: idle, effectiveIdleMs: idle, ...idleWords(proxy, idle) },
    limits: {
      // each proxied connection holds two of a worker's connections (client and upstream)
      globalMaxconn: { ...wc, value: Math.floor(wc.value / 2) * workers },
      frontendMaxconn: proxy?.limitConn,
    },
  };
}

function secs(ms: number): string {
  return ms % 60_000 === 0 && ms >= 300_000 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

/** The block the idle timeout is read from, which timeout governs, and what to raise — in NGINX's words. */
function idleWords(
  proxy: NginxProxyFacts | undefined,
  idle: Located<number>,
): Pick<TimeoutFacts, 'scope' | 'rule' | 'fix'> {
  if (!proxy) return {};
  const scope = proxy.location
    ? { text: `location ${proxy.location.path}`, line: proxy.location.line }
    : { text: `${proxy.context} server`, line: proxy.serverLine };
  const where = `${scope.text} (line ${scope.line})`;
  const set = (l: Located<number>): string => (l.line ? `line ${l.line}` : 'default');
  if (proxy.context === 'stream')
    return {
      scope,
      rule: `NGINX stream: \`proxy_timeout\` (${secs(idle.value)}, ${set(idle)}) closes a connection after that long without traffic in either direction; MQTT PINGREQ/PINGRESP every keepalive is that traffic.`,
      fix: `\`proxy_timeout\` ${idle.line ? `(line ${idle.line})` : `in ${where}`}`,
    };
  const send = proxy.sendTimeoutMs;
  return {
    scope,
    rule:
      `NGINX http${proxy.websocket ? ' (WebSocket)' : ''}: after the upgrade \`proxy_read_timeout\` (${secs(idle.value)}, ${set(idle)}) closes the connection when the node sends nothing for that long — ` +
      `an idle MQTT client's only traffic is a PINGRESP per keepalive` +
      (send
        ? `; \`proxy_send_timeout\` (${secs(send.value)}, ${set(send)}) applies only while a write to the node is pending`
        : '') +
      '.',
    fix: `\`proxy_read_timeout\` (and \`proxy_send_timeout\`) ${idle.line ? `(line ${idle.line})` : `in ${where}`}`,
  };
}

/** Facts of a mapped nginx.conf. `cpus` stands for `worker_processes auto` (default: this machine's). */
export function nginxFacts(
  mapped: { parsed: ParsedNginx; mapping: readonly MappingEntry[]; listens: readonly NginxListen[] },
  cpus = os.availableParallelism(),
): NginxFacts {
  const { parsed, mapping, listens } = mapped;
  const port = (b: string): Set<number> =>
    new Set(mapping.filter((m) => m.backend === b).map((m) => Number(m.mapped.split(':').pop())));
  const ws = new Set(mapping.filter((m) => /:808[34]$/.test(m.mapped)).map((m) => m.backend));
  const ups = upstreamFacts(parsed, mapping);
  const proxies = proxyFacts(parsed, upstreamNames(parsed), ws);
  const limits = limitFacts(parsed);
  const proxyOf = (b: string): NginxProxyFacts | undefined =>
    proxies.find((p) => p.backends.includes(b) && !p.tlsOffload) ?? proxies.find((p) => p.backends.includes(b));
  const backends = ups.map((u) => backendFacts(u, proxyOf(u.name), limits, cpus));
  // direct `proxy_pass host:port` targets are backends of one server, round-robin trivially
  for (const m of mapping.filter((e) => !ups.some((u) => u.name === e.backend))) {
    const proxy = proxyOf(m.backend);
    const u: NginxUpstreamFacts = {
      name: m.backend,
      context: proxy?.context ?? 'stream',
      file: proxy?.file ?? parsed.file,
      line: m.line,
      method: { value: 'round-robin' },
      servers: [
        {
          backend: m.backend,
          name: m.server,
          node: m.node,
          weight: { value: 1 },
          file: proxy?.file ?? parsed.file,
          line: m.line,
          maxFails: { value: 1 },
          failTimeoutMs: { value: 10_000 },
        },
      ],
    };
    ups.push(u);
    backends.push(backendFacts(u, proxy, limits, cpus));
  }
  const plainMqtt = listens.find((l) => !l.ssl && l.backend && port(l.backend).has(SERVICE_PORTS.mqtt));
  const mqttBackend =
    backends.find((b) => b.name === plainMqtt?.backend) ??
    backends.find((b) => port(b.name).has(SERVICE_PORTS.mqtt)) ??
    backends[0];
  if (!mqttBackend) throw new Error(`${parsed.file}: no upstream with servers`);
  const statements: NginxStatement[] = nginxStatements(ups, proxies, limits, parsed.file);
  const websocketProblems = proxies.flatMap((p) =>
    (p.websocket?.problems ?? []).map((text) => ({ text, file: p.file, line: p.location?.line ?? p.line })),
  );
  return {
    kind: 'nginx',
    file: parsed.file,
    mqttBackend,
    backends,
    frontends: frontendFacts(listens),
    ...(websocketProblems.length ? { websocketProblems } : {}),
    nginx: { upstreams: ups, proxies, limits, statements },
  };
}

function frontendFacts(listens: readonly NginxListen[]): FrontendFacts[] {
  const byServer = new Map<string, NginxListen[]>();
  for (const l of listens)
    byServer.set(`${l.serverFile}:${l.serverLine}`, [...(byServer.get(`${l.serverFile}:${l.serverLine}`) ?? []), l]);
  return [...byServer.values()].map((ls) => ({
    name: ls[0]!.frontend,
    line: ls[0]!.serverLine,
    mode: { value: ls[0]!.context === 'stream' ? 'tcp' : 'http', line: ls[0]!.serverLine },
    binds: ls.map((l) => ({
      line: l.line,
      source: `listen ${l.original}${l.ssl ? ' ssl' : ''}${l.proxyProtocol ? ' proxy_protocol' : ''}`,
      ssl: l.ssl,
      acceptProxy: l.proxyProtocol,
    })),
    backend: ls[0]!.backend,
  }));
}
