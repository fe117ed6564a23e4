/**
 * Connections over time per node, as the balancer reports them (its per-server `current`, summed per node), sampled
 * every second while a ramp runs; a balancer that cannot report per-server state gives no samples and says why.
 */
import type { BalancerView } from '../types.js';

export interface NodeSample {
  t_s: number;
  /** Node → current connections through the balancer. */
  nodes: Record<string, number>;
}

export class NodeSampler {
  readonly samples: NodeSample[] = [];
  unavailable: string | undefined;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly t0 = performance.now();

  constructor(
    private readonly view: BalancerView | undefined,
    private readonly backend: string | undefined,
    private readonly everyMs = 1000,
    private readonly maxSamples = 1200,
  ) {
    this.unavailable = !view ? 'the balancer has no server view (external target)' : view.lacks;
  }

  start(): this {
    if (this.unavailable) return this;
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  /** One sample now (also used at step ends). */
  async sample(): Promise<void> {
    if (this.unavailable || this.busy || this.samples.length >= this.maxSamples) return;
    this.busy = true;
    try {
      const servers = await this.view!.servers();
      const nodes: Record<string, number> = {};
      for (const s of servers) {
        if (this.backend && s.backend !== this.backend) continue;
        const node = s.node ?? s.name;
        nodes[node] = (nodes[node] ?? 0) + s.current;
      }
      this.samples.push({ t_s: Math.round((performance.now() - this.t0) / 100) / 10, nodes });
    } catch (err) {
      this.unavailable ??= `server view failed: ${(err as Error).message}`;
      this.stop();
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
