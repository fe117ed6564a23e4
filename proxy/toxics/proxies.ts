/**
 * Toxiproxy's proxies on TS-proxy: every frontend is a proxy of the same name (listen = its address,
 * upstream = its backend's servers), and `POST /proxies` adds one at run time — a pure L4 frontend with a
 * one-server backend, kept across config reloads. Each proxy has a ToxicCollection; `enabled: false`
 * closes the listener and the proxy's connections, as Toxiproxy does.
 */
import type { BackendConfig, FrontendConfig, ProxyConfig } from '../config/types.js';
import type { Backend } from '../runtime/backend.js';
import type { Frontend } from '../runtime/frontend.js';
import { parseHostPort } from '../util/address.js';
import { errorText } from '../util/log.js';
import { ToxicCollection } from './collection.js';
import { ApiError, toxicJson } from './registry.js';

/** What the registry needs of the running proxy (TsProxy). */
export interface ToxiproxyHost {
  readonly frontends: Map<string, Frontend>;
  readonly backends: Map<string, Backend>;
  addBackend(cfg: BackendConfig): void;
  openFrontend(cfg: FrontendConfig, material: null): Promise<void>;
}

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: unknown[];
}

type Body = Record<string, unknown>;

function field(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new ApiError(`bad request body: ${key} must be a non-empty string`, 400);
  return v;
}

function address(text: string, key: string): string {
  if (!parseHostPort(text)) throw new ApiError(`bad request body: ${key} must be host:port`, 400);
  return text;
}

function dynamicConfigs(name: string, listen: string, upstream: string): { f: FrontendConfig; b: BackendConfig } {
  const backend = `toxiproxy:${name}`;
  const f: FrontendConfig = {
    name,
    bind: listen,
    backend,
    tls: null,
    inspect: 'none',
    timeouts: { handshake: 5_000, idle: 0 },
    rate_limit: null,
    line: 0,
  };
  const b: BackendConfig = {
    name: backend,
    balance: 'roundrobin',
    clientid: { inspect_timeout: 3_000, fallback: 'leastconn', balance_factor: 1.25 },
    send_proxy: null,
    on_marked_down: null,
    maxconn_policy: 'refuse',
    retries: 0,
    timeouts: { connect: 5_000, queue: 5_000 },
    health: {
      type: 'none',
      inter: 2_000,
      fall: 3,
      rise: 2,
      timeout: 2_000,
      port: null,
      path: '/',
      expect_body: null,
      send_proxy: false,
    },
    servers: [{ name: 'upstream', address: upstream, weight: 1, maxconn: null, state: 'ready', line: 0 }],
    line: 0,
  };
  return { f, b };
}

export class ToxiproxyProxies {
  private readonly collections = new Map<string, ToxicCollection>();
  /** Proxies created through the API: name → configs (re-applied on every reload). */
  private readonly dynamic = new Map<string, { f: FrontendConfig; b: BackendConfig }>();

  constructor(private readonly host: ToxiproxyHost) {}

  toxicsFor(name: string): ToxicCollection {
    let c = this.collections.get(name);
    if (!c) {
      const host = this.host;
      c = new ToxicCollection(function toxicsChanged() {
        host.frontends.get(name)?.toxicsChanged();
      });
      this.collections.set(name, c);
    }
    return c;
  }

  /** The file's config plus the proxies created through the API whose names the file does not use. */
  withDynamic(cfg: ProxyConfig): ProxyConfig {
    const extra = [...this.dynamic.values()].filter((d) => !cfg.frontends.some((f) => f.name === d.f.name));
    return {
      ...cfg,
      frontends: [...cfg.frontends, ...extra.map((d) => d.f)],
      backends: [...cfg.backends, ...extra.map((d) => d.b)],
    };
  }

  private frontend(name: string): Frontend {
    const f = this.host.frontends.get(name);
    if (!f) throw new ApiError('proxy not found', 404);
    return f;
  }

  show(name: string): ProxyJson {
    const f = this.frontend(name);
    const backend = this.host.backends.get(f.cfg.backend);
    return {
      name,
      listen: f.address || f.cfg.bind,
      upstream: backend ? backend.servers.map((s) => s.address).join(',') : '',
      enabled: f.listening,
      toxics: this.toxicsFor(name).list().map(toxicJson),
    };
  }

  list(): Record<string, ProxyJson> {
    const out: Record<string, ProxyJson> = {};
    for (const name of this.host.frontends.keys()) out[name] = this.show(name);
    return out;
  }

  async create(body: unknown): Promise<ProxyJson> {
    if (typeof body !== 'object' || body === null) throw new ApiError('bad request body', 400);
    const b = body as Body;
    const name = field(b, 'name');
    if (!name) throw new ApiError('missing required field: name', 400);
    const upstreamText = field(b, 'upstream');
    if (!upstreamText) throw new ApiError('missing required field: upstream', 400);
    const upstream = address(upstreamText, 'upstream');
    const listen = address(field(b, 'listen') ?? '127.0.0.1:0', 'listen');
    if (this.host.frontends.has(name) || this.dynamic.has(name)) throw new ApiError('proxy already exists', 409);
    const cfg = dynamicConfigs(name, listen, upstream);
    this.host.addBackend(cfg.b);
    try {
      await this.host.openFrontend(cfg.f, null);
    } catch (err) {
      this.dropBackend(cfg.b.name);
      throw new ApiError(errorText(err), 500);
    }
    this.dynamic.set(name, cfg);
    if (b.enabled === false) await this.setEnabled(this.frontend(name), false);
    return this.show(name);
  }

  async update(name: string, body: unknown): Promise<ProxyJson> {
    const f = this.frontend(name);
    if (typeof body !== 'object' || body === null) throw new ApiError('bad request body', 400);
    const b = body as Body;
    const current = this.show(name);
    const listen = field(b, 'listen');
    const upstream = field(b, 'upstream');
    const moved = listen !== undefined && listen !== current.listen && listen !== f.cfg.bind;
    const rerouted = upstream !== undefined && upstream !== current.upstream;
    if (moved || rerouted) {
      const d = this.dynamic.get(name);
      if (!d)
        throw new ApiError(`proxy ${name} is a frontend of the configuration file: edit the file and reload`, 409);
      const up = upstream ?? d.b.servers[0].address;
      const next = dynamicConfigs(name, address(listen ?? d.f.bind, 'listen'), address(up, 'upstream'));
      this.dynamic.set(name, next);
      this.host.backends.get(d.b.name)?.update(next.b);
      // Toxiproxy restarts a proxy whose listen or upstream changed: its connections are closed.
      await this.setEnabled(f, false);
      f.update(next.f, null);
      f.address = '';
    }
    if (b.enabled !== undefined && typeof b.enabled !== 'boolean')
      throw new ApiError('bad request body: enabled must be true or false', 400);
    const enabled = typeof b.enabled === 'boolean' ? b.enabled : moved || rerouted ? current.enabled : f.listening;
    await this.setEnabled(f, enabled);
    return this.show(name);
  }

  async remove(name: string): Promise<void> {
    const f = this.frontend(name);
    const d = this.dynamic.get(name);
    if (!d) throw new ApiError(`proxy ${name} is a frontend of the configuration file: disable it instead`, 409);
    await this.setEnabled(f, false);
    this.host.frontends.delete(name);
    this.dropBackend(d.b.name);
    this.dynamic.delete(name);
    this.collections.delete(name);
  }

  /**
   * Toxiproxy `POST /populate`: creates each proxy of the list, or keeps it when one of that name has the same
   * listen and upstream (replaced otherwise); all validated before any is created.
   */
  async populate(body: unknown): Promise<ProxyJson[]> {
    if (!Array.isArray(body)) throw new ApiError('bad request body: a list of proxies', 400);
    const items = body.map((item: unknown, i) => {
      if (typeof item !== 'object' || item === null) throw new ApiError(`bad request body: proxy ${i + 1}`, 400);
      const b = item as Body;
      for (const key of ['name', 'upstream'])
        if (!b[key]) throw new ApiError(`missing required field: ${key} at proxy ${i + 1}`, 400);
      return b;
    });
    const out: ProxyJson[] = [];
    for (const b of items) {
      const name = String(b.name);
      const existing = this.host.frontends.get(name) ? this.show(name) : undefined;
      const same = existing && existing.upstream === b.upstream && (!b.listen || b.listen === existing.listen);
      if (same) {
        out.push(await this.update(name, { enabled: b.enabled !== false }));
        continue;
      }
      if (existing) await this.remove(name);
      out.push(await this.create(b));
    }
    return out;
  }

  /** Toxiproxy `POST /reset`: every proxy enabled, every toxic removed. */
  async reset(): Promise<void> {
    for (const f of this.host.frontends.values()) await this.setEnabled(f, true);
    for (const c of this.collections.values()) c.clear();
  }

  private dropBackend(name: string): void {
    this.host.backends.get(name)?.stopChecks();
    this.host.backends.delete(name);
  }

  private async setEnabled(f: Frontend, enabled: boolean): Promise<void> {
    if (enabled === f.listening) return;
    if (!enabled) {
      await f.close();
      f.killSessions('proxy-disabled');
      return;
    }
    try {
      await f.listen(f.address || f.cfg.bind);
    } catch (err) {
      throw new ApiError(errorText(err), 500);
    }
  }
}
