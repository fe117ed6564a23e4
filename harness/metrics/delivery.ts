/**
 * Delivery accounting in Jepsen `total-queue` terms: every message carries (publisher, sequence);
 * lost = acknowledged but never received, duplicated = received more than once, unexpected = received
 * but never sent, reordered = arrived below the highest sequence already seen from that publisher.
 * Used by the pub/sub suite's single-route latency probe; the failover stream, the load engine and the API account
 * deliveries in harness/load/ledger.ts (mergeable, per-QoS totals in these same terms).
 */

export interface Stamp {
  p: string;
  s: number;
  t: number;
}

export function stampPayload(publisher: string, seq: number, pad = 0): Buffer {
  const head = JSON.stringify({ p: publisher, s: seq, t: Date.now() } satisfies Stamp);
  return pad > head.length
    ? Buffer.concat([Buffer.from(head), Buffer.alloc(pad - head.length, 0x20)])
    : Buffer.from(head);
}

export function readStamp(payload: Buffer): Stamp | undefined {
  try {
    const v = JSON.parse(payload.toString('utf8').trimEnd()) as Stamp;
    return typeof v.p === 'string' && typeof v.s === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface DeliveryReport {
  sent: number;
  acked: number;
  received: number;
  ok: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  reordered: number;
  /** Latency (ms) of first deliveries, from the stamp's send time. */
  latenciesMs: number[];
}

export class DeliveryLedger {
  private readonly sent = new Map<string, Set<number>>();
  private readonly acked = new Map<string, Set<number>>();
  private readonly seen = new Map<string, Map<number, number>>();
  private readonly highest = new Map<string, number>();
  private unexpected = 0;
  private reordered = 0;
  private received = 0;
  private readonly latencies: number[] = [];

  recordSent(p: string, s: number): void {
    if (!this.sent.has(p)) this.sent.set(p, new Set());
    this.sent.get(p)!.add(s);
  }

  recordAcked(p: string, s: number): void {
    if (!this.acked.has(p)) this.acked.set(p, new Set());
    this.acked.get(p)!.add(s);
  }

  recordReceived(payload: Buffer, now = Date.now()): void {
    this.received++;
    const stamp = readStamp(payload);
    if (!stamp || !this.sent.get(stamp.p)?.has(stamp.s)) {
      this.unexpected++;
      return;
    }
    if (!this.seen.has(stamp.p)) this.seen.set(stamp.p, new Map());
    const counts = this.seen.get(stamp.p)!;
    const n = counts.get(stamp.s) ?? 0;
    counts.set(stamp.s, n + 1);
    if (n === 0) {
      this.latencies.push(now - stamp.t);
      const hi = this.highest.get(stamp.p) ?? -1;
      if (stamp.s < hi) this.reordered++;
      else this.highest.set(stamp.p, stamp.s);
    }
  }

  report(): DeliveryReport {
    let sent = 0;
    let acked = 0;
    let ok = 0;
    let lost = 0;
    let duplicated = 0;
    for (const [p, seqs] of this.sent) {
      sent += seqs.size;
      const counts = this.seen.get(p) ?? new Map<number, number>();
      for (const s of seqs) {
        const n = counts.get(s) ?? 0;
        if (n > 0) ok++;
        if (n > 1) duplicated += n - 1;
      }
      for (const s of this.acked.get(p) ?? []) {
        acked++;
        if (!counts.get(s)) lost++;
      }
    }
    return {
      sent,
      acked,
      received: this.received,
      ok,
      lost,
      duplicated,
      unexpected: this.unexpected,
      reordered: this.reordered,
      latenciesMs: [...this.latencies],
    };
  }
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}
