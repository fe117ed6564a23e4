/**
 * Power of two choices: draw two servers at random (weighted), keep the less loaded one.
 */
import { lessLoaded, type BalanceTarget, type Balancer } from './types.js';

export class RandomTwoChoicesBalancer<T extends BalanceTarget> implements Balancer<T> {
  constructor(private readonly random: () => number = Math.random) {}

  pick(candidates: readonly T[]): T | undefined {
    const n = candidates.length;
    if (n <= 1) return candidates[0];
    let total = 0;
    for (const t of candidates) total += t.weight;
    const a = this.draw(candidates, total, undefined);
    const b = this.draw(candidates, total - a.weight, a);
    return lessLoaded(b, a) ? b : a;
  }

  private draw(candidates: readonly T[], total: number, skip: T | undefined): T {
    let r = this.random() * total;
    let last = candidates[0];
    for (const t of candidates) {
      if (t === skip) continue;
      last = t;
      r -= t.weight;
      if (r < 0) return t;
    }
    return last;
  }
}
