/**
 * `bandwidth {rate}` (KB/s, 1 KB = 1000 bytes; 0 = unlimited): each chunk waits `length / rate`; a chunk
 * larger than 100 ms worth leaves in 100 ms slices; oversleeping is credited to the next chunk
 * (Toxiproxy toxics/bandwidth.go).
 */
import { attr, QueuedStage } from './stage.js';
import type { StageOutput, ToxicEnv, ToxicKind } from './types.js';

export class BandwidthStage extends QueuedStage {
  /** Go's `sleep`: time owed for the bytes taken so far (ms); negative after an oversleep. */
  private debt = 0;
  /** Whether the head chunk's length was added to `debt`. */
  private counted = false;
  /** What the pending timer waits for: a 100 ms slice, or the head chunk's remaining debt since `since`. */
  private waitingFor: 'slice' | 'rest' | null = null;
  private since = 0;

  constructor(
    out: StageOutput,
    env: ToxicEnv,
    private readonly rate: number,
  ) {
    super(out, env);
  }

  protected step(): void {
    const rate = this.rate;
    while (this.queue.length > 0 && !this.stopped) {
      const head = this.queue[0];
      if (!this.counted) {
        this.counted = true;
        this.debt = rate <= 0 ? 0 : this.debt + head.data.length / rate;
      }
      const slice = rate * 100;
      if (rate > 0 && head.data.length > slice) {
        if (this.waitingFor !== 'slice') {
          this.waitingFor = 'slice';
          return this.sleep(100);
        }
        this.waitingFor = null;
        this.trimHead(slice);
        this.debt -= 100;
        this.out.push({ data: head.data.subarray(0, slice), at: head.at });
        continue;
      }
      if (this.waitingFor !== 'rest') {
        this.since = this.env.now();
        if (this.debt > 0) {
          this.waitingFor = 'rest';
          return this.sleep(this.debt);
        }
      }
      this.waitingFor = null;
      this.debt -= this.env.now() - this.since;
      this.counted = false;
      this.out.push(this.shift());
    }
    this.flushEnd();
  }
}

export const bandwidthToxic: ToxicKind = {
  type: 'bandwidth',
  attributes: ['rate'],
  create: (a, out, env) => new BandwidthStage(out, env, attr(a, 'rate')),
};
