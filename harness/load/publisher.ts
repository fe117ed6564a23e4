/**
 * The publishing phase: every publisher connection sends `count` messages at `ratePerS` on its own schedule
 * (message k due at k / rate), driven by one timer loop for all of them. A publisher that is not connected when
 * a message is due skips it (counted in `skipped`, not in the ledger: it was never sent).
 */
import type { Connection } from './connection.js';
import type { LoadLedger } from './ledger.js';
import type { PublishPlan } from './plan.js';

const TICK_MS = 5;

export interface Sender {
  conn: Connection;
  stream: string;
  topic: string;
}

export class Publisher {
  published = 0;
  skipped = 0;
  private readonly due: number[];

  constructor(
    private readonly plan: PublishPlan,
    private readonly senders: readonly Sender[],
    private readonly ledger: LoadLedger,
    private readonly payload: (stream: string, seq: number) => Buffer,
  ) {
    this.due = senders.map(() => 0);
  }

  /** Publishes until every schedule is through or `stopped()` says so. */
  async run(stopped: () => boolean): Promise<void> {
    const p = this.plan;
    const started = performance.now();
    const interval = 1000 / p.ratePerS;
    while (!stopped()) {
      const elapsed = performance.now() - started;
      const target = Math.min(p.count, Math.floor(elapsed / interval) + 1);
      for (let k = 0; k < this.senders.length; k++) this.sendUpTo(k, target);
      if (target >= p.count) break;
      const next = target * interval;
      await new Promise((r) => setTimeout(r, Math.max(TICK_MS, next - (performance.now() - started))));
    }
  }

  private sendUpTo(k: number, target: number): void {
    const s = this.senders[k]!;
    while (this.due[k]! < target) {
      this.due[k]!++;
      if (s.conn.state !== 'ready') {
        this.skipped++;
        continue;
      }
      const seq = this.ledger.nextSend(s.stream);
      s.conn.publish(s.stream, s.topic, this.plan.qos, this.payload(s.stream, seq), seq);
      this.published++;
    }
  }
}
