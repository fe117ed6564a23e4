/**
 * A backend at runtime: its servers, balancing algorithm, health monitors and the queue of sessions
 * waiting for a server below its `maxconn`.
 */
import { createBalancer, type Balancer, type PickContext } from '../balance/index.js';
import type { BackendConfig } from '../config/types.js';
import { HealthMonitor } from '../health/monitor.js';
import type { ProbeResult } from '../health/probes.js';
import type { Logger } from '../util/log.js';
import { ServerState } from './server.js';
import { WaitQueue, type Waiter } from './wait-queue.js';

export type PickOutcome = { server: ServerState } | { server: undefined; why: 'all-full' | 'no-server' };

export class Backend {
  servers: ServerState[] = [];
  private balancer!: Balancer<ServerState>;
  private monitors = new Map<ServerState, HealthMonitor>();
  readonly queue = new WaitQueue();
  /** Connections that found no usable server or timed out in the queue. */
  noServer = 0;
  queueTimeouts = 0;

  constructor(
    public cfg: BackendConfig,
    private readonly logger: Logger,
  ) {
    this.applyServers(cfg);
  }

  get name(): string {
    return this.cfg.name;
  }

  /** Chooses a server for a new connection, skipping `exclude` (servers that already failed to connect). */
  pick(ctx: PickContext, exclude?: ReadonlySet<ServerState>): PickOutcome {
    const candidates: ServerState[] = [];
    let usable = 0;
    for (const s of this.servers) {
      if (!s.usable || exclude?.has(s)) continue;
      usable++;
      if (!s.full) candidates.push(s);
    }
    if (candidates.length === 0) return { server: undefined, why: usable > 0 ? 'all-full' : 'no-server' };
    const server = this.balancer.pick(candidates, ctx);
    return server ? { server } : { server: undefined, why: 'no-server' };
  }

  enqueue(waiter: Waiter): () => void {
    return this.queue.add(waiter, this.cfg.timeouts.queue);
  }

  /** A slot may have opened (session ended, server came up, enabled, reload). */
  wakeQueue(): void {
    if (this.queue.length > 0) this.queue.drain();
  }

  findServer(name: string): ServerState | undefined {
    return this.servers.find((s) => s.name === name);
  }

  startChecks(): void {
    for (const s of this.servers) this.ensureMonitor(s);
  }

  stopChecks(): void {
    for (const m of this.monitors.values()) m.stop();
    this.monitors.clear();
  }

  /** Applies a reloaded config: servers are matched by name and address; established sessions stay. */
  update(cfg: BackendConfig): void {
    const healthChanged =
      JSON.stringify(cfg.health) !== JSON.stringify(this.cfg.health) || cfg.send_proxy !== this.cfg.send_proxy;
    this.cfg = cfg;
    if (healthChanged) this.stopChecks();
    this.applyServers(cfg);
    this.startChecks();
    this.wakeQueue();
  }

  private applyServers(cfg: BackendConfig): void {
    const previous = new Map(this.servers.map((s) => [s.name, s] as const));
    this.servers = cfg.servers.map((sc) => {
      const old = previous.get(sc.name);
      if (old && old.address === sc.address) {
        previous.delete(sc.name);
        old.applyConfig(sc);
        return old;
      }
      return new ServerState(cfg.name, sc);
    });
    for (const gone of previous.values()) {
      this.monitors.get(gone)?.stop();
      this.monitors.delete(gone);
    }
    this.balancer = createBalancer<ServerState>({
      algorithm: cfg.balance,
      fallback: cfg.clientid.fallback,
      balanceFactor: cfg.clientid.balance_factor,
      servers: this.servers,
    });
  }

  private ensureMonitor(server: ServerState): void {
    if (this.monitors.has(server)) return;
    if (this.cfg.health.type === 'none') {
      server.checkStatus = '';
      if (!server.healthy) server.setHealthy(true);
      return;
    }
    const monitor = new HealthMonitor(server, this.cfg.health, this.cfg.send_proxy, this.onHealthChange);
    this.monitors.set(server, monitor);
    monitor.start();
  }

  private readonly onHealthChange = (server: ServerState, up: boolean, result: ProbeResult): void => {
    this.logger.log(up ? 'info' : 'warn', 'server-state', {
      backend: this.name,
      server: server.name,
      address: server.address,
      from: up ? 'DOWN' : 'UP',
      to: up ? 'UP' : 'DOWN',
      status: server.status,
      checkStatus: result.status,
      detail: result.detail,
      checkMs: result.durationMs,
      current: server.current,
    });
    if (up) this.wakeQueue();
    else if (this.cfg.on_marked_down === 'shutdown-sessions') {
      for (const session of [...server.sessions]) session.kill('server-down');
    }
  };
}
