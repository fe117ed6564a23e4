/**
 * Source-address hashing with weighted rendezvous (highest random weight) hashing: a client address
 * maps to the same server while the server set is stable, and only the clients of a removed server move.
 */
import { combine32, murmur3String } from './hash.js';
import type { BalanceTarget, Balancer, PickContext } from './types.js';

const TWO_POW_32 = 4294967296;

export class SourceHashBalancer<T extends BalanceTarget> implements Balancer<T> {
  private readonly nameHash = new Map<string, number>();

  pick(candidates: readonly T[], ctx: PickContext): T | undefined {
    if (candidates.length <= 1) return candidates[0];
    return rendezvous(candidates, murmur3String(ctx.sourceIp), this.nameHash);
  }
}

/** Weighted rendezvous: score = -weight / ln(u), u uniform in (0,1) from hash(key, server). */
export function rendezvous<T extends BalanceTarget>(
  candidates: readonly T[],
  keyHash: number,
  cache: Map<string, number>,
): T | undefined {
  let best: T | undefined;
  let bestScore = -Infinity;
  for (const t of candidates) {
    let h = cache.get(t.name);
    if (h === undefined) {
      h = murmur3String(t.name, 0x5bd1e995);
      if (cache.size > 4096) cache.clear();
      cache.set(t.name, h);
    }
    const u = (combine32(keyHash, h) + 0.5) / TWO_POW_32;
    const score = -t.weight / Math.log(u);
    if (score > bestScore) {
      bestScore = score;
      best = t;
    }
  }
  return best;
}
