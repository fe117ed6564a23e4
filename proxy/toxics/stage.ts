/**
 * The common part of toxic stages: a queue of held chunks, a pending end, one timer, and a stop flag so a
 * stage that was taken out (or whose output closed the connection) does nothing more.
 */
import type { Chunk, Stage, StageOutput, ToxicEnv } from './types.js';

export abstract class QueuedStage implements Stage {
  protected readonly queue: Chunk[] = [];
  protected ending = false;
  protected stopped = false;
  private bytes = 0;
  private timer: unknown = null;

  constructor(
    protected readonly out: StageOutput,
    protected readonly env: ToxicEnv,
  ) {}

  push(chunk: Chunk): void {
    if (this.stopped) return;
    this.queue.push(chunk);
    this.bytes += chunk.data.length;
    this.received(chunk);
    this.kick();
  }

  end(): void {
    if (this.stopped) return;
    this.ending = true;
    this.kick();
  }

  held(): number {
    return this.bytes;
  }

  take(): { chunks: Chunk[]; ended: boolean } {
    this.stopped = true;
    this.cancelTimer();
    const chunks = this.queue.splice(0);
    this.bytes = 0;
    return { chunks, ended: this.ending };
  }

  /** Hook: a chunk was queued (before processing). */
  protected received(_chunk: Chunk): void {}

  /** Processes the queue until it must wait (`sleep`) or has nothing left; runs unless a timer is pending. */
  protected abstract step(): void;

  protected kick(): void {
    if (this.timer === null && !this.stopped) this.step();
  }

  protected sleep(ms: number): void {
    this.cancelTimer();
    this.timer = this.env.setTimer(() => {
      this.timer = null;
      if (!this.stopped) this.step();
    }, ms);
  }

  protected cancelTimer(): void {
    if (this.timer === null) return;
    this.env.clearTimer(this.timer);
    this.timer = null;
  }

  protected get sleeping(): boolean {
    return this.timer !== null;
  }

  /** Removes and returns the head chunk. */
  protected shift(): Chunk {
    const c = this.queue.shift()!;
    this.bytes -= c.data.length;
    return c;
  }

  /** Replaces the head chunk's bytes by its tail (part of it was sent). */
  protected trimHead(sent: number): void {
    const head = this.queue[0];
    this.queue[0] = { data: head.data.subarray(sent), at: head.at };
    this.bytes -= sent;
  }

  /** Forwards the pending end once the queue is empty. */
  protected flushEnd(): void {
    if (!this.ending || this.queue.length > 0 || this.stopped) return;
    this.ending = false;
    this.stopped = true;
    this.out.end();
  }
}

/** Toxicity miss: the connection is not affected by this toxic. */
export class PassStage extends QueuedStage {
  protected step(): void {
    while (this.queue.length > 0 && !this.stopped) this.out.push(this.shift());
    this.flushEnd();
  }
}

/** A non-negative integer attribute (negative, fractional or missing values clamp). */
export function attr(attrs: Readonly<Record<string, number>>, key: string): number {
  const v = attrs[key];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}
