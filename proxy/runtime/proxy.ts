/**
 * The running proxy: frontends, backends, global limits and the admin API; graceful reload.
 */
import { AdminServer, type AdminSource, type ServerAction } from '../admin/admin-server.js';
import { renderMetrics } from '../admin/metrics.js';
import { backendView, frontendView, serverView } from '../admin/views.js';
import type { BackendConfig, FrontendConfig, ProxyConfig } from '../config/types.js';
import { ToxiproxyProxies, type ToxiproxyHost } from '../toxics/proxies.js';
import { errorText, type LogLevel, type Logger } from '../util/log.js';
import { TS_PROXY_VERSION } from '../version.js';
import { Backend } from './backend.js';
import { ConnectionGate } from './conn-gate.js';
import { Frontend } from './frontend.js';
import { loadTlsMaterial, TlsMaterialError, type TlsMaterial } from './tls-material.js';

export interface TsProxyOptions {
  logger: Logger;
  /** Directory TLS file paths are relative to (the config file's directory). */
  baseDir: string;
  /** A `--log-level` given on the command line wins over `global.log_level`. */
  logLevelOverride?: LogLevel;
}

export class TsProxy implements AdminSource, ToxiproxyHost {
  readonly backends = new Map<string, Backend>();
  readonly frontends = new Map<string, Frontend>();
  /** Toxiproxy's proxies (= frontends) and their toxics. */
  readonly toxiproxy = new ToxiproxyProxies(this);
  readonly gate: ConnectionGate;
  private admin: AdminServer | null = null;
  private readonly startedAt = Date.now();
  private readonly logger: Logger;

  private constructor(
    private config: ProxyConfig,
    private readonly opts: TsProxyOptions,
  ) {
    this.logger = opts.logger;
    const g = config.global;
    this.gate = new ConnectionGate(g.maxconn, g.maxconn_policy, g.queue_timeout);
    this.logger.setLevel(opts.logLevelOverride ?? g.log_level);
  }

  /** Starts every backend, frontend and the admin API; logs one `listening` line per socket. */
  static async start(config: ProxyConfig, opts: TsProxyOptions): Promise<TsProxy> {
    const proxy = new TsProxy(config, opts);
    try {
      const materials = proxy.loadMaterials(config);
      for (const b of config.backends) proxy.addBackend(b);
      for (const f of config.frontends) await proxy.openFrontend(f, materials.get(f.name) ?? null);
      if (config.admin) await proxy.openAdmin(config.admin.bind, config.admin.token);
    } catch (err) {
      await proxy.stop();
      throw err;
    }
    return proxy;
  }

  /** Listening addresses, frontends first, then `admin`. */
  listeners(): { frontend: string; address: string }[] {
    const out = [...this.frontends.values()].map((f) => ({ frontend: f.name, address: f.address }));
    if (this.admin) out.push({ frontend: 'admin', address: this.admin.address });
    return out;
  }

  private loadMaterials(config: ProxyConfig): Map<string, TlsMaterial | null> {
    const out = new Map<string, TlsMaterial | null>();
    config.frontends.forEach((f, i) => {
      try {
        out.set(f.name, f.tls ? loadTlsMaterial(f.tls, this.opts.baseDir) : null);
      } catch (err) {
        const key = err instanceof TlsMaterialError ? `frontends[${i}].tls.${err.key}` : `frontends[${i}].tls`;
        throw new Error(
          `${key}: ${err instanceof TlsMaterialError ? err.message.slice(err.key.length + 2) : errorText(err)}`,
        );
      }
    });
    return out;
  }

  /** @internal */
  addBackend(cfg: BackendConfig): void {
    const backend = new Backend(cfg, this.logger);
    this.backends.set(cfg.name, backend);
    backend.startChecks();
  }

  /** @internal */
  async openFrontend(cfg: FrontendConfig, material: TlsMaterial | null): Promise<void> {
    const frontend = new Frontend(cfg, material, {
      logger: this.logger,
      gate: this.gate,
      backendFor: (name) => this.backends.get(name),
      toxicsFor: (name) => this.toxiproxy.toxicsFor(name),
    });
    const address = await frontend.listen();
    this.frontends.set(cfg.name, frontend);
    this.logger.lifecycle('listening', { frontend: cfg.name, address, tls: material !== null, backend: cfg.backend });
  }

  private async openAdmin(bind: string, token: string | null): Promise<void> {
    const admin = new AdminServer(token, this);
    const address = await admin.listen(bind);
    this.admin = admin;
    this.logger.lifecycle('listening', { frontend: 'admin', address });
  }

  /**
   * Applies a new config: certificates re-read, backends and servers updated in place (established
   * sessions stay), listeners opened/closed only where a bind changed. Throws (changing nothing)
   * when certificates cannot be loaded; returns the problems of a partly applied reload.
   */
  async reload(fromFile: ProxyConfig): Promise<string[]> {
    const next = this.toxiproxy.withDynamic(fromFile);
    const materials = this.loadMaterials(next);
    const problems: string[] = [];
    const g = next.global;
    this.gate.maxconn = g.maxconn;
    this.gate.policy = g.maxconn_policy;
    this.gate.queueTimeoutMs = g.queue_timeout;
    this.logger.setLevel(this.opts.logLevelOverride ?? g.log_level);

    const oldBackends = new Map(this.backends);
    for (const b of next.backends) {
      const existing = oldBackends.get(b.name);
      if (existing) {
        existing.update(b);
        oldBackends.delete(b.name);
      } else this.addBackend(b);
    }
    for (const gone of oldBackends.values()) {
      gone.stopChecks();
      this.backends.delete(gone.name);
    }

    const retired = new Map(this.frontends);
    const toOpen: FrontendConfig[] = [];
    for (const f of next.frontends) {
      const old = retired.get(f.name);
      const material = materials.get(f.name) ?? null;
      if (old && old.cfg.bind === f.bind && old.isTls === (material !== null)) {
        old.update(f, material);
        retired.delete(f.name);
      } else toOpen.push(f);
    }
    for (const old of retired.values()) {
      await old.close();
      this.frontends.delete(old.name);
      this.logger.lifecycle('frontend-closed', { frontend: old.name, address: old.address, sessions: old.current });
    }
    for (const f of toOpen) {
      try {
        await this.openFrontend(f, materials.get(f.name) ?? null);
      } catch (err) {
        problems.push(errorText(err));
      }
    }

    const adminCfg = next.admin;
    if (!adminCfg || !this.admin || this.config.admin?.bind !== adminCfg.bind) {
      await this.admin?.close();
      this.admin = null;
      if (adminCfg) {
        try {
          await this.openAdmin(adminCfg.bind, adminCfg.token);
        } catch (err) {
          problems.push(errorText(err));
        }
      }
    } else this.admin.setToken(adminCfg.token);
    this.config = next;
    this.gate.wake();
    return problems;
  }

  /** Closes listeners, then every session; stops checks. */
  async stop(): Promise<void> {
    for (const f of this.frontends.values()) await f.close();
    for (const f of this.frontends.values()) f.killSessions('shutdown');
    for (const b of this.backends.values()) {
      b.stopChecks();
      b.queue.clear();
    }
    await this.admin?.close();
    this.admin = null;
  }

  servers(): ReturnType<typeof serverView>[] {
    return [...this.backends.values()].flatMap((b) => b.servers.map(serverView));
  }

  status(): unknown {
    return {
      version: TS_PROXY_VERSION,
      uptimeMs: Date.now() - this.startedAt,
      pid: process.pid,
      connections: this.connections(),
      frontends: [...this.frontends.values()].map(frontendView),
      backends: [...this.backends.values()].map(backendView),
    };
  }

  private connections() {
    return {
      current: this.gate.active,
      maxconn: this.gate.maxconn,
      queued: this.gate.queued,
      refused: this.gate.refused,
    };
  }

  metrics(): string {
    return renderMetrics({
      uptimeMs: Date.now() - this.startedAt,
      connections: this.connections(),
      frontends: [...this.frontends.values()].map(frontendView),
      backends: [...this.backends.values()].map(backendView),
      servers: this.servers(),
    });
  }

  serverAction(backendName: string, serverName: string, action: ServerAction): unknown | undefined {
    const backend = this.backends.get(backendName);
    const server = backend?.findServer(serverName);
    if (!backend || !server) return undefined;
    const from = server.status;
    if (action === 'shutdown-sessions') {
      const n = server.sessions.size;
      for (const s of [...server.sessions]) s.kill('admin-shutdown');
      this.logger.info('server-sessions-shutdown', {
        backend: backendName,
        server: serverName,
        sessions: n,
        source: 'admin',
      });
      return serverView(server);
    }
    const state = action === 'drain' ? 'drain' : action === 'disable' ? 'maint' : 'ready';
    if (server.setAdminState(state)) {
      this.logger.info('server-state', {
        backend: backendName,
        server: serverName,
        address: server.address,
        from,
        to: server.status,
        source: 'admin',
        action,
      });
    }
    if (state === 'ready') backend.wakeQueue();
    return serverView(server);
  }
}
