/**
 * `slicer {average_size, size_variation, delay}` (bytes, bytes, µs): each chunk is cut in halves until the
 * pieces are within `average_size + size_variation` (cut points moved by up to ± `size_variation`), and
 * `delay` passes after each piece (Toxiproxy toxics/slicer.go). MQTT packets then arrive split across reads.
 */
import { attr, QueuedStage } from './stage.js';
import type { StageOutput, ToxicEnv, ToxicKind } from './types.js';

/** Piece boundaries of `[start, end)` as Go's recursive `chunk()`, kept inside the range (no empty piece). */
export function slicePoints(start: number, end: number, average: number, variation: number, random: () => number) {
  const out: number[] = [];
  const avg = Math.max(1, average);
  const cut = (s: number, e: number): void => {
    if (e - s - avg <= variation || e - s < 2) {
      out.push(e);
      return;
    }
    let mid = s + Math.floor((e - s) / 2);
    if (variation > 0) mid += Math.floor(random() * variation * 2) - variation;
    mid = Math.min(e - 1, Math.max(s + 1, mid));
    cut(s, mid);
    cut(mid, e);
  };
  cut(start, end);
  return out;
}

export class SlicerStage extends QueuedStage {
  /** Ends of the head chunk's remaining pieces, relative to its current start. */
  private pieces: number[] | null = null;

  constructor(
    out: StageOutput,
    env: ToxicEnv,
    private readonly average: number,
    private readonly variation: number,
    private readonly delayUs: number,
  ) {
    super(out, env);
  }

  protected step(): void {
    while (this.queue.length > 0 && !this.stopped) {
      const head = this.queue[0];
      this.pieces ??= slicePoints(0, head.data.length, this.average, this.variation, () => this.env.random());
      const end = this.pieces.shift()!;
      if (this.pieces.length === 0) {
        this.pieces = null;
        this.shift();
      } else {
        this.trimHead(end);
        this.pieces = this.pieces.map((p) => p - end);
      }
      this.out.push({ data: head.data.subarray(0, end), at: head.at });
      if (this.delayUs > 0 && !this.stopped) return this.sleep(this.delayUs / 1000);
    }
    this.flushEnd();
  }
}

export const slicerToxic: ToxicKind = {
  type: 'slicer',
  attributes: ['average_size', 'size_variation', 'delay'],
  create: (a, out, env) =>
    new SlicerStage(out, env, attr(a, 'average_size'), attr(a, 'size_variation'), attr(a, 'delay')),
};
