/**
 * `reset_peer {timeout}` (ms): the first chunk (or the FIN) in this direction is swallowed and, `timeout`
 * later (0 = at once), the connection is reset — TCP RST to both peers ("connection reset by peer");
 * what arrives meanwhile is held and lost (Toxiproxy toxics/reset_peer.go with SO_LINGER 0).
 */
import { attr, QueuedStage } from './stage.js';
import type { Chunk, StageOutput, ToxicEnv, ToxicKind } from './types.js';

export class ResetPeerStage extends QueuedStage {
  private triggered = false;

  constructor(
    out: StageOutput,
    env: ToxicEnv,
    private readonly timeoutMs: number,
  ) {
    super(out, env);
  }

  /** The first chunk is swallowed and starts the countdown; later ones wait in the queue. */
  protected override received(_chunk: Chunk): void {
    if (this.triggered) return;
    this.shift();
    this.trigger();
  }

  override end(): void {
    super.end();
    this.trigger();
  }

  private trigger(): void {
    if (this.triggered || this.stopped) return;
    this.triggered = true;
    this.sleep(this.timeoutMs);
  }

  /** Runs when the countdown is over. */
  protected step(): void {
    if (!this.triggered || this.stopped) return;
    this.stopped = true;
    this.out.reset(`reset_peer toxic: ${this.timeoutMs} ms`);
  }

  protected override kick(): void {}
}

export const resetPeerToxic: ToxicKind = {
  type: 'reset_peer',
  attributes: ['timeout'],
  create: (a, out, env) => new ResetPeerStage(out, env, attr(a, 'timeout')),
};
