/**
 * `timeout {timeout}` (ms): nothing gets through. `0` is a blackhole — the data (and a FIN) are held and the
 * connection is never closed; `> 0` closes the connection once `timeout` passes without a new chunk in this
 * direction (Go's select re-arms `time.After` per chunk, toxics/timeout.go).
 *
 * Unlike Toxiproxy, which drops the bytes and closes the connection when the toxic is removed, held bytes
 * are released in order on removal: a healed partition then behaves as TCP does (retransmission after the
 * link is back), and an MQTT stream stays intact instead of resuming mid-packet.
 */
import { attr, QueuedStage } from './stage.js';
import type { Chunk, StageOutput, ToxicEnv, ToxicKind } from './types.js';

export class TimeoutStage extends QueuedStage {
  private closer: unknown = null;

  constructor(
    out: StageOutput,
    env: ToxicEnv,
    private readonly timeoutMs: number,
  ) {
    super(out, env);
    this.arm();
  }

  private arm(): void {
    if (this.timeoutMs <= 0) return;
    if (this.closer !== null) this.env.clearTimer(this.closer);
    this.closer = this.env.setTimer(() => {
      this.closer = null;
      if (this.stopped) return;
      this.stopped = true;
      this.out.close(`timeout toxic: ${this.timeoutMs} ms`);
    }, this.timeoutMs);
  }

  protected override received(_chunk: Chunk): void {
    this.arm();
  }

  /** Holds everything. */
  protected step(): void {}

  override take(): { chunks: Chunk[]; ended: boolean } {
    if (this.closer !== null) this.env.clearTimer(this.closer);
    this.closer = null;
    return super.take();
  }
}

export const timeoutToxic: ToxicKind = {
  type: 'timeout',
  attributes: ['timeout'],
  create: (a, out, env) => new TimeoutStage(out, env, attr(a, 'timeout')),
};
