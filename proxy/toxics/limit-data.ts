/**
 * `limit_data {bytes}`: forwards the first `bytes` bytes of this direction, then closes the connection.
 * The count survives updates of the toxic on a connection (Toxiproxy toxics/limit_data.go, stateful).
 */
import { attr, QueuedStage } from './stage.js';
import type { StageOutput, ToxicEnv, ToxicKind, ToxicState } from './types.js';

export class LimitDataStage extends QueuedStage {
  constructor(
    out: StageOutput,
    env: ToxicEnv,
    private readonly limit: number,
    private readonly state: ToxicState,
  ) {
    super(out, env);
  }

  protected step(): void {
    while (this.queue.length > 0 && !this.stopped) {
      const c = this.shift();
      const remaining = Math.max(0, this.limit - this.state.bytes);
      const data = remaining < c.data.length ? c.data.subarray(0, remaining) : c.data;
      if (data.length > 0) {
        this.state.bytes += data.length;
        this.out.push({ data, at: c.at });
      }
      if (this.limit - this.state.bytes <= 0 && !this.stopped) {
        this.stopped = true;
        this.queue.length = 0;
        return this.out.close(`limit_data toxic: ${this.limit} bytes`);
      }
    }
    this.flushEnd();
  }
}

export const limitDataToxic: ToxicKind = {
  type: 'limit_data',
  attributes: ['bytes'],
  create: (a, out, env, state) => new LimitDataStage(out, env, attr(a, 'bytes'), state),
};
