/**
 * The balancer's view of the MQTT backend, polled at 10 Hz during a scenario (HAProxy runtime API,
 * TS-proxy admin API: anything behind BalancerView). Keeps every poll, so a scenario can ask when a
 * node was first marked DOWN/UP after a fault and how many sessions the balancer sent it meanwhile.
 */
import type { BalancerServerState, BalancerView } from '../types.js';
import { delay } from '../util/wait.js';
import { PeriodicLoop } from '../util/periodic.js';

export interface Poll {
  at: number;
  byNode: Map<string, BalancerServerState>;
}

/** In rotation: UP (HAProxy prints "UP 1/2" while going down; the view keeps the first word), or no check at all. */
export const isInRotation = (status: string): boolean => status === 'UP' || status === 'no' || status === 'NOLB';
export const isOut = (status: string): boolean => status === 'DOWN' || status === 'MAINT';

export class BalancerPoller {
  private readonly polls: Poll[] = [];
  private readonly loop: PeriodicLoop;
  /** Failed polls (e.g. the runtime API during a reload), for the record. */
  failures = 0;

  constructor(
    private readonly view: BalancerView,
    private readonly backend: string,
    private readonly intervalMs = 100,
    maxPolls = 3000,
  ) {
    this.loop = new PeriodicLoop(() => this.pollOnce(), { intervalMs, maxTicks: maxPolls });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  async pollOnce(): Promise<Poll | undefined> {
    try {
      const servers = await this.view.servers();
      const byNode = new Map(
        servers.filter((s) => s.backend === this.backend && s.node).map((s) => [s.node as string, s]),
      );
      const poll = { at: Date.now(), byNode };
      this.polls.push(poll);
      return poll;
    } catch {
      this.failures++;
      return undefined;
    }
  }

  latest(): Poll | undefined {
    return this.polls.at(-1);
  }

  /** Latest status per node, e.g. { node1: 'UP', node2: 'DOWN' }. */
  statuses(): Record<string, string> {
    return Object.fromEntries(
      [...(this.latest()?.byNode ?? new Map<string, BalancerServerState>())].map(([node, s]) => [node, s.status]),
    );
  }

  /** Time of the first poll at or after `since` in which the node's status satisfies `pred`. */
  firstAt(node: string, pred: (status: string) => boolean, since: number): number | undefined {
    return this.polls.find((p) => p.at >= since && p.byNode.has(node) && pred(p.byNode.get(node)!.status))?.at;
  }

  /** The node's state in the last poll at or before `at` (or the first poll after, when none is before). */
  stateAt(node: string, at: number): BalancerServerState | undefined {
    const before = this.polls.filter((p) => p.at <= at && p.byNode.has(node)).at(-1);
    return (before ?? this.polls.find((p) => p.byNode.has(node)))?.byNode.get(node);
  }

  /** Polls (in the background loop) until the node's status satisfies `pred`; its time, or undefined at the deadline. */
  async waitFor(
    node: string,
    pred: (status: string) => boolean,
    since: number,
    timeoutMs: number,
  ): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.firstAt(node, pred, since);
      if (at !== undefined) return at;
      if (Date.now() >= deadline || !this.loop.running) return undefined;
      await delay(Math.min(this.intervalMs / 2, Math.max(1, deadline - Date.now())));
    }
  }
}
