/**
 * New connections through the balancer at a fixed pace (e.g. during a balancer reload): each one
 * connects, waits for its CONNACK (bounded), and disconnects. Bounded in count and time.
 */
import type { Deployment } from '../types.js';
import type { ClientPool } from '../clients/mqtt.js';
import { PeriodicLoop } from '../util/periodic.js';

export interface ProbeResult {
  at: number;
  ok: boolean;
  ms: number;
  error?: string;
}

export class ConnectProber {
  readonly results: ProbeResult[] = [];
  private readonly loop: PeriodicLoop;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly d: Deployment,
    private readonly pool: ClientPool,
    private readonly idPrefix: string,
    private readonly opts: {
      intervalMs: number;
      maxCount: number;
      maxMs: number;
      connectTimeoutMs: number;
      firstAddress: number;
      addresses: number;
    },
  ) {
    this.loop = new PeriodicLoop((i) => this.startProbe(i), {
      intervalMs: opts.intervalMs,
      maxTicks: opts.maxCount,
      maxMs: opts.maxMs,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops starting new connections and waits for those in flight. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.inFlight);
  }

  startedSince(at: number): number {
    return this.results.filter((r) => r.at >= at).length + [...this.inFlight].length;
  }

  /** Starts probe `i` without waiting for it: the pace stays fixed however slow the connects are. */
  private startProbe(i: number): void {
    const p = this.probe(i);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async probe(i: number): Promise<void> {
    const at = Date.now();
    const localAddress = `127.0.2.${this.opts.firstAddress + (i % this.opts.addresses)}`;
    try {
      const c = await this.pool.connect(
        this.d.endpoints.mqtt,
        { clientId: `${this.idPrefix}-${i}`, localAddress, reconnectPeriod: 0 },
        this.opts.connectTimeoutMs,
      );
      this.results.push({ at, ok: true, ms: Date.now() - at });
      await new Promise<void>((r) => c.end(true, {}, () => r()));
    } catch (err) {
      this.results.push({ at, ok: false, ms: Date.now() - at, error: (err as Error).message });
    }
  }

  failures(): ProbeResult[] {
    return this.results.filter((r) => !r.ok);
  }
}
