/**
 * Which nodes should receive clients through this balancer config, and how many connections it takes to see
 * each of them at least once: derived from the algorithm, the weights, backup flags and the servers that are UP.
 */
import type { BalancerFacts, ServerFacts } from '../facts.js';
import type { NodeName } from '../types.js';

export interface PlacementExpectation {
  /** Nodes that must each receive at least one client. */
  nodes: NodeName[];
  /** Most connections to open before concluding that a node receives none. */
  budget: number;
  /** Why this set, in the config's words (shown in findings). */
  basis: string;
}

/** Source addresses available to spread clients over (127.0.2.1 … 127.0.2.250). */
export const PLACEMENT_MAX_CLIENTS = 250;

function activeServers(servers: readonly ServerFacts[], up?: ReadonlySet<string>): ServerFacts[] {
  const isUp = (s: ServerFacts): boolean => !up || up.has(s.name);
  const primary = servers.filter((s) => !s.backup?.value && isUp(s) && s.weight.value > 0);
  if (primary.length > 0) return primary;
  // HAProxy: with no usable primary server (down, or weight 0), the first backup takes the traffic (all of them with `option allbackups`).
  return servers.filter((s) => s.backup?.value && isUp(s) && s.weight.value > 0).slice(0, 1);
}

/**
 * The expected placement. Without facts (an external balancer) every node is expected. With weights, the budget
 * grows with the ratio of the total weight to the smallest non-zero weight, so a node with a small share is
 * still seen (a weighted random pick misses a 10 % server in 8 × 10 tries with probability 0.9^80 ≈ 0.02 %).
 */
export function expectedPlacement(
  facts: BalancerFacts | undefined,
  allNodes: readonly NodeName[],
  up?: ReadonlySet<string>,
): PlacementExpectation {
  if (!facts)
    return { nodes: [...allNodes], budget: 3 * allNodes.length, basis: 'every node (balancer config unknown)' };
  const backend = facts.mqttBackend;
  const algorithm = backend.algorithm.value;
  const weighted = activeServers(backend.servers, up).filter((s) => s.weight.value > 0);
  const nodesOf = (servers: readonly ServerFacts[]): NodeName[] => [...new Set(servers.map((s) => s.node))];
  if (weighted.length === 0) return { nodes: [], budget: 0, basis: 'no server with a non-zero weight is UP' };
  if (algorithm === 'first') {
    const first = weighted[0]!;
    return {
      nodes: nodesOf([first]),
      budget: Math.min(PLACEMENT_MAX_CLIENTS, 3 * allNodes.length),
      basis: `\`balance first\` (line ${backend.algorithm.line ?? '—'}) fills ${first.name} before any other server`,
    };
  }
  const total = weighted.reduce((a, s) => a + s.weight.value, 0);
  const min = Math.min(...weighted.map((s) => s.weight.value));
  const ratio = Math.ceil(total / min);
  const deterministic = algorithm === 'roundrobin' || algorithm === 'static-rr';
  const budget = Math.min(PLACEMENT_MAX_CLIENTS, Math.max(3 * weighted.length, deterministic ? 2 * ratio : 8 * ratio));
  const weights = weighted.map((s) => `${s.name} ${s.weight.value}`).join(', ');
  const left = backend.servers.filter((s) => !weighted.includes(s)).map((s) => s.name);
  return {
    nodes: nodesOf(weighted),
    budget,
    basis: `\`balance ${algorithm}\` over the UP servers with weight > 0 (${weights})${left.length ? `; not expected: ${left.join(', ')} (backup, weight 0 or not UP)` : ''}`,
  };
}
