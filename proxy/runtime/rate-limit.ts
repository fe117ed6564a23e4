/**
 * Per-source connection-rate limit: a token bucket per client IP (capacity and refill = the limit per
 * second). Idle buckets are swept so the table stays bounded under address-spraying floods.
 */
const MAX_SOURCES = 100_000;

interface Bucket {
  tokens: number;
  last: number;
}

export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  setLimit(perSecond: number): void {
    this.perSecond = perSecond;
  }

  /** Takes one token for `ip`; false when the source is over its rate. */
  allow(ip: string): boolean {
    const t = this.now();
    let b = this.buckets.get(ip);
    if (!b) {
      if (this.buckets.size >= MAX_SOURCES) this.sweep(t);
      if (this.buckets.size >= MAX_SOURCES) this.buckets.clear();
      b = { tokens: this.perSecond, last: t };
      this.buckets.set(ip, b);
    } else {
      b.tokens = Math.min(this.perSecond, b.tokens + ((t - b.last) * this.perSecond) / 1000);
      b.last = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Drops buckets that have refilled completely (their sources are idle). */
  sweep(t = this.now()): void {
    for (const [ip, b] of this.buckets) {
      if (b.tokens + ((t - b.last) * this.perSecond) / 1000 >= this.perSecond) this.buckets.delete(ip);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
