/**
 * `slow_close {delay}` (ms): data passes; the end of this direction (FIN) is passed on `delay` later
 * (Toxiproxy toxics/slow_close.go).
 */
import { attr, QueuedStage } from './stage.js';
import type { StageOutput, ToxicEnv, ToxicKind } from './types.js';

export class SlowCloseStage extends QueuedStage {
  private delaying = false;

  constructor(
    out: StageOutput,
    env: ToxicEnv,
    private readonly delay: number,
  ) {
    super(out, env);
  }

  protected step(): void {
    while (this.queue.length > 0 && !this.stopped) this.out.push(this.shift());
    if (!this.ending || this.stopped) return;
    if (!this.delaying && this.delay > 0) {
      this.delaying = true;
      return this.sleep(this.delay);
    }
    this.flushEnd();
  }
}

export const slowCloseToxic: ToxicKind = {
  type: 'slow_close',
  attributes: ['delay'],
  create: (a, out, env) => new SlowCloseStage(out, env, attr(a, 'delay')),
};
