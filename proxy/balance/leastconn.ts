/**
 * Least connections relative to weight; ties rotate so equal servers share new connections evenly.
 */
import { lessLoaded, type BalanceTarget, type Balancer } from './types.js';

export class LeastConnBalancer<T extends BalanceTarget> implements Balancer<T> {
  private rotation = 0;

  pick(candidates: readonly T[]): T | undefined {
    const n = candidates.length;
    if (n <= 1) return candidates[0];
    const start = this.rotation++ % n;
    if (this.rotation >= 0x3fffffff) this.rotation = 0;
    let best = candidates[start];
    for (let i = 1; i < n; i++) {
      const t = candidates[(start + i) % n];
      if (lessLoaded(t, best)) best = t;
    }
    return best;
  }
}
