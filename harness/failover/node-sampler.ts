/**
 * Per-node live connection counts over time from each node's own API (`/api/v5/nodes`, its own row),
 * sampled into the scenario timeline together with the balancer's latest status per node.
 * A node whose API refuses connections (killed, stopped) counts 0; one that does not answer within
 * a second (paused) has no count in the samples until it answers again: its real state is unknown.
 */
import type { Deployment } from '../types.js';
import type { BalancerPoller } from './balancer-poller.js';
import type { ScenarioTimeline } from './timeline.js';
import { delay, waitFor } from '../util/wait.js';
import { PeriodicLoop } from '../util/periodic.js';

type NodeSource = Pick<Deployment, 'nodes' | 'nodeApi'>;

function refused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET';
}

export class NodeCountSampler {
  private readonly counts: Record<string, number> = {};
  /** Node → when its pending request started. */
  private readonly inFlight = new Map<string, number>();
  private readonly loop: PeriodicLoop;

  constructor(
    private readonly d: NodeSource,
    private readonly timeline: ScenarioTimeline,
    private readonly poller: BalancerPoller,
    private readonly intervalMs = 250,
    maxSamples = 600,
  ) {
    this.loop = new PeriodicLoop(() => this.sampleOnce(), { intervalMs, maxTicks: maxSamples });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Samples taken so far. */
  get taken(): number {
    return this.loop.ticks;
  }

  /** Waits (bounded) until `n` more samples were taken. */
  async more(n: number): Promise<void> {
    const target = this.taken + n;
    await waitFor(() => this.taken >= target || !this.loop.running, {
      timeoutMs: n * this.intervalMs * 4,
      intervalMs: 20,
      what: `${n} more samples`,
    }).catch(() => undefined); // fewer samples: the timeline shows the gap
  }

  current(): Record<string, number> {
    return this.known();
  }

  /** Counts of the nodes that answered lately (a request pending for over a second means: unknown). */
  private known(now = Date.now()): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.counts).filter(([node]) => now - (this.inFlight.get(node) ?? now) < 1000),
    );
  }

  /** One sample: every node's count (a slow node's API waited for one interval at most), with the balancer's statuses. */
  private async sampleOnce(): Promise<void> {
    await Promise.race([
      Promise.all(this.d.nodes.map((n) => this.refresh(n.name, n.brokerNode))),
      delay(this.intervalMs),
    ]);
    this.timeline.sample(this.known(), this.poller.statuses());
  }

  /** One request per node at a time: a hung node's API must not pile up requests. */
  private async refresh(node: string, brokerNode: string): Promise<void> {
    if (this.inFlight.has(node)) return;
    this.inFlight.set(node, Date.now());
    try {
      const rows = await this.d.nodeApi(node).nodes();
      const own = rows.find((r) => r.node === brokerNode);
      if (own) this.counts[node] = own.live_connections ?? own.connections ?? 0;
    } catch (err) {
      if (refused(err)) this.counts[node] = 0;
      else delete this.counts[node];
    } finally {
      this.inFlight.delete(node);
    }
  }
}
