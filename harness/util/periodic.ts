/**
 * A background loop for observers (balancer polls, node counts, connection probes): calls `tick` every
 * `intervalMs` — the tick's own time counts towards the period — until stop(), `maxTicks` ticks or
 * `maxMs` after start(), whichever comes first. Bounded in count and time, and stoppable.
 */
import { delay } from './wait.js';

export interface PeriodicOptions {
  intervalMs: number;
  /** At most this many ticks. */
  maxTicks: number;
  /** At most this long after start(); unset: bounded by maxTicks alone. */
  maxMs?: number;
}

export class PeriodicLoop {
  private active = false;
  private loop: Promise<void> | undefined;
  private completed = 0;
  private pause = 0;

  constructor(
    private readonly tick: (i: number) => unknown,
    readonly opts: PeriodicOptions,
  ) {}

  /** Ticks completed so far. */
  get ticks(): number {
    return this.completed;
  }

  /** The pause chosen after the last tick (ms): the period minus the tick's own time, at least 1. */
  get lastPauseMs(): number {
    return this.pause;
  }

  /** True from start() until stop() or the bound. */
  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.loop = this.run();
  }

  /** Ends the loop and waits for the tick (and pause) in progress. */
  async stop(): Promise<void> {
    this.active = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const { intervalMs, maxTicks, maxMs = Number.POSITIVE_INFINITY } = this.opts;
    const began = Date.now();
    try {
      for (let i = 0; this.active && i < maxTicks && Date.now() - began < maxMs; i++) {
        const started = Date.now();
        await this.tick(i);
        this.completed++;
        this.pause = Math.max(1, intervalMs - (Date.now() - started));
        await delay(this.pause);
      }
    } finally {
      this.active = false;
    }
  }
}
