/**
 * FIFO of waiters with a deadline each (server/backend `maxconn_policy: queue`, global queue).
 * Cancelled or expired entries are skipped lazily; the array is compacted as the head advances.
 */
export interface Waiter {
  /** Called when a slot may be free; return false to stay queued at the head. */
  admit(): boolean;
  /** Called once when the deadline passes. */
  expire(): void;
}

interface Entry {
  waiter: Waiter;
  timer: NodeJS.Timeout;
  done: boolean;
}

export class WaitQueue {
  private entries: Entry[] = [];
  private head = 0;
  private live = 0;
  private draining = false;

  get length(): number {
    return this.live;
  }

  /** Queues `waiter`; returns a cancel function (call when the waiter goes away). */
  add(waiter: Waiter, timeoutMs: number): () => void {
    const entry: Entry = { waiter, timer: setTimeout(onWaitTimeout, timeoutMs), done: false };
    const finish = (): void => {
      if (entry.done) return;
      entry.done = true;
      clearTimeout(entry.timer);
      this.live--;
    };
    function onWaitTimeout(): void {
      if (entry.done) return;
      finish();
      waiter.expire();
    }
    this.entries.push(entry);
    this.live++;
    return finish;
  }

  /** Admits waiters in order while they accept; stops at the first that cannot proceed. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      this.drainLoop();
    } finally {
      this.draining = false;
    }
  }

  private drainLoop(): void {
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head];
      if (!entry.done) {
        if (!entry.waiter.admit()) break;
        if (!entry.done) {
          entry.done = true;
          clearTimeout(entry.timer);
          this.live--;
        }
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.live === 0 && this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    }
  }

  /** Expires every waiter (shutdown). */
  clear(): void {
    const entries = this.entries.slice(this.head);
    this.entries = [];
    this.head = 0;
    for (const e of entries) {
      if (e.done) continue;
      e.done = true;
      clearTimeout(e.timer);
      this.live--;
      e.waiter.expire();
    }
  }
}
