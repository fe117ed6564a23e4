/**
 * `latency {latency, jitter}` (ms): each chunk leaves `latency ± jitter` after it arrived, in order — a
 * chunk that arrived while an earlier one waited is not delayed twice (Toxiproxy toxics/latency.go).
 */
import { attr, QueuedStage } from './stage.js';
import type { StageOutput, ToxicEnv, ToxicKind } from './types.js';

export class LatencyStage extends QueuedStage {
  /** When the head chunk leaves (its delay is drawn once). */
  private due: number | null = null;

  constructor(
    out: StageOutput,
    env: ToxicEnv,
    private readonly latency: number,
    private readonly jitter: number,
  ) {
    super(out, env);
  }

  /** `latency` plus a uniform draw in [-jitter, jitter), as Go's `rand.Int63n(jitter*2) - jitter`. */
  private delay(): number {
    if (this.jitter <= 0) return this.latency;
    return this.latency + Math.floor(this.env.random() * this.jitter * 2) - this.jitter;
  }

  protected step(): void {
    while (this.queue.length > 0 && !this.stopped) {
      this.due ??= this.queue[0].at + this.delay();
      const wait = this.due - this.env.now();
      if (wait > 0) return this.sleep(wait);
      const c = this.shift();
      const at = this.due;
      this.due = null;
      this.out.push({ data: c.data, at });
    }
    this.flushEnd();
  }
}

export const latencyToxic: ToxicKind = {
  type: 'latency',
  attributes: ['latency', 'jitter'],
  create: (a, out, env) => new LatencyStage(out, env, attr(a, 'latency'), attr(a, 'jitter')),
};
