/**
 * MQTT client-id stickiness: consistent hashing of the client identifier on a ring of virtual nodes,
 * with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2018; HAProxy `hash-balance-factor`):
 * a server takes a new client only while below `balanceFactor` × its weighted share of the load,
 * otherwise the next server clockwise does. Clients without an identifier go to the fallback algorithm.
 */
import { murmur3Bytes, murmur3String } from './hash.js';
import type { BalanceTarget, Balancer, PickContext } from './types.js';

const VNODES_PER_WEIGHT = 128;
/**
 * Loads below this many connections per server never count as overload: at ramp-up the bound
 * (factor × (load + 1) / servers) is 1 or 2, and enforcing it would move clients between servers
 * depending on the order in which they happen to connect — breaking the stickiness this algorithm exists for.
 */
export const MIN_BOUND = 8;
const MAX_RING_POINTS = 65_536;

export class ClientIdBalancer<T extends BalanceTarget> implements Balancer<T> {
  private points = new Uint32Array(0);
  private owners: T[] = [];

  constructor(
    private readonly fallback: Balancer<T>,
    private readonly balanceFactor: number,
    servers: readonly T[],
  ) {
    this.setServers(servers);
  }

  /** Rebuilds the ring; call when servers are added, removed or re-weighted. */
  setServers(servers: readonly T[]): void {
    const weighted = servers.filter((s) => s.weight > 0);
    const totalWeight = weighted.reduce((a, s) => a + s.weight, 0);
    const perWeight = Math.max(1, Math.min(VNODES_PER_WEIGHT, Math.floor(MAX_RING_POINTS / Math.max(1, totalWeight))));
    const entries: { point: number; owner: T }[] = [];
    for (const s of weighted) {
      for (let i = 0; i < s.weight * perWeight; i++) entries.push({ point: murmur3String(`${s.name}#${i}`), owner: s });
    }
    entries.sort((a, b) => a.point - b.point || (a.owner.name < b.owner.name ? -1 : 1));
    this.points = Uint32Array.from(entries, (e) => e.point);
    this.owners = entries.map((e) => e.owner);
  }

  pick(candidates: readonly T[], ctx: PickContext): T | undefined {
    const id = ctx.clientId;
    if (!id || id.length === 0) return this.fallback.pick(candidates, ctx);
    if (candidates.length === 0) return undefined;
    return this.lookup(murmur3Bytes(id), candidates) ?? this.fallback.pick(candidates, ctx);
  }

  /** The server owning `hash`, skipping ineligible ones and those at their load bound. */
  lookup(hash: number, candidates: readonly T[]): T | undefined {
    const n = this.points.length;
    if (n === 0) return undefined;
    const eligible = new Set(candidates);
    let load = 0;
    let weight = 0;
    for (const c of candidates) {
      load += c.current;
      weight += c.weight;
    }
    let firstEligible: T | undefined;
    let i = lowerBound(this.points, hash);
    for (let step = 0; step < n; step++, i++) {
      if (i === n) i = 0;
      const owner = this.owners[i];
      if (!eligible.has(owner)) continue;
      firstEligible ??= owner;
      const bound = Math.max(MIN_BOUND, Math.ceil((this.balanceFactor * (load + 1) * owner.weight) / weight));
      if (owner.current < bound) return owner;
    }
    return firstEligible;
  }
}

function lowerBound(points: Uint32Array, value: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
