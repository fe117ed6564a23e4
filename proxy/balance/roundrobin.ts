/**
 * Smooth weighted round-robin (as in NGINX): weights 5,1,1 give a,a,b,a,c,a,a — never long bursts.
 */
import type { BalanceTarget, Balancer } from './types.js';

export class RoundRobinBalancer<T extends BalanceTarget> implements Balancer<T> {
  private readonly currentWeight = new Map<T, number>();

  pick(candidates: readonly T[]): T | undefined {
    if (candidates.length <= 1) return candidates[0];
    let total = 0;
    let best: T | undefined;
    let bestWeight = -Infinity;
    for (const t of candidates) {
      const cw = (this.currentWeight.get(t) ?? 0) + t.weight;
      this.currentWeight.set(t, cw);
      total += t.weight;
      if (cw > bestWeight) {
        bestWeight = cw;
        best = t;
      }
    }
    if (best) this.currentWeight.set(best, bestWeight - total);
    if (this.currentWeight.size > candidates.length * 4) this.forgetRemoved(candidates);
    return best;
  }

  private forgetRemoved(candidates: readonly T[]): void {
    const keep = new Set(candidates);
    for (const t of this.currentWeight.keys()) if (!keep.has(t)) this.currentWeight.delete(t);
  }
}
