/**
 * Token bucket for the connect rate: `ratePerS` tokens a second, at most `burst` saved up. take() hands out a
 * token or says how long until the next one, so the engine paces connects on timers instead of busy loops.
 */

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerS: number,
    readonly burst = 1,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerS > 0)) throw new Error(`connect rate must be > 0, got ${ratePerS}`);
    if (!(burst >= 1)) throw new Error(`burst must be ≥ 1, got ${burst}`);
    this.tokens = burst;
    this.last = this.now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.ratePerS) / 1000);
    this.last = t;
  }

  /** Takes a token: 0 when one was available (and is now used), else the ms until one will be. */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) * 1000) / this.ratePerS;
  }
}
