/**
 * Splitting one load plan into agents' chunks: each agent gets a share of the clients with its own client-id range
 * (consecutive `idOffset`s, so topic groups, subscribers and publishers stay where one engine would put them), its
 * share of the connect rate and of the attempts in flight, and a disjoint slice of the source-address pool.
 */
import type { SourcePool } from '../load/addresses.js';
import type { LoadPlan } from '../load/plan.js';

/** `total` split into `parts` shares that differ by at most one (the larger ones first). */
export function shares(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, k) => base + (k < extra ? 1 : 0));
}

/**
 * `pool` split into `parts` disjoint slices covering it. A pool smaller than `parts` grows to one address per agent
 * (addresses are free on loopback; two processes on one address would share its ephemeral ports).
 */
export function splitPool(pool: SourcePool, parts: number): SourcePool[] {
  const sizes = shares(Math.max(pool.size, parts), parts);
  let offset = pool.offset;
  return sizes.map((size) => {
    const slice = { offset, size };
    offset += size;
    return slice;
  });
}

/** The agents' plans: as many as `agents`, fewer when there are fewer clients (no agent gets an empty plan). */
export function splitPlan(plan: LoadPlan, agents: number): LoadPlan[] {
  if (!Number.isInteger(agents) || agents < 1) throw new Error(`agents must be ≥ 1 (got ${agents})`);
  const n = Math.min(agents, plan.clients);
  const counts = shares(plan.clients, n);
  const pools = plan.sourcePool ? splitPool(plan.sourcePool, n) : undefined;
  let idOffset = plan.idOffset ?? 0;
  return counts.map((clients, k) => {
    const share = clients / plan.clients;
    const chunk: LoadPlan = {
      ...plan,
      clients,
      idOffset,
      connectRate: plan.connectRate * share,
      ...(plan.burst !== undefined ? { burst: Math.max(1, plan.burst * share) } : {}),
      ...(plan.maxConnecting !== undefined
        ? { maxConnecting: Math.max(1, Math.ceil(plan.maxConnecting * share)) }
        : {}),
      ...(plan.maxErrors !== undefined ? { maxErrors: Math.max(1, Math.ceil(plan.maxErrors * share)) } : {}),
      ...(pools ? { sourcePool: pools[k]! } : {}),
    };
    idOffset += clients;
    return chunk;
  });
}
