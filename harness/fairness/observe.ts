/**
 * Ground truth for fairness: where the cluster says each client is (node API, per-client `node`),
 * the nodes' own `live_connections` counters, and the balancer's own per-server counters — the last
 * two only as cross-checks.
 */
import type { Deployment } from '../types.js';
import { waitFor } from '../util/wait.js';
import { listingWaitMs } from '../clients/placement.js';
import type { Counts } from './stats.js';

/** Each node's own `live_connections` (asked of the node itself: peers' copies lag a heartbeat). 0 when the node does not answer. */
export async function liveConnections(d: Deployment): Promise<Counts> {
  const rows = await Promise.all(
    d.nodes.map(async (n) => {
      const own = (
        await d
          .nodeApi(n.name)
          .nodes()
          .catch(() => [])
      ) // a faulted node reports nothing; its count is 0
        .find((r) => r.node === n.brokerNode);
      return [
        n.name,
        own?.node_status === 'running' || own?.node_status === undefined ? (own?.live_connections ?? 0) : 0,
      ] as const;
    }),
  );
  return Object.fromEntries(rows);
}

/** Node of every connected client whose id starts with `prefix`, each listed by the node it is on. */
export async function placementOf(d: Deployment, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    d.nodes.map(async (n) => {
      const rows = await d
        .nodeApi(n.name)
        .clients({ node: n.brokerNode })
        .catch(() => []); // a faulted node lists no client
      for (const r of rows) if (r.connected && r.clientid.startsWith(prefix)) out.set(r.clientid, n.name);
    }),
  );
  return out;
}

export function countByNode(placement: ReadonlyMap<string, string>, nodes: readonly string[]): Counts {
  const counts: Counts = Object.fromEntries(nodes.map((n) => [n, 0]));
  for (const node of placement.values()) counts[node] = (counts[node] ?? 0) + 1;
  return counts;
}

/** Waits until the node API lists exactly the `ids` (all connected), and returns their nodes; the bound grows by the
 * backend's observation lag (listingWaitMs). */
export async function waitForPlacement(
  d: Deployment,
  prefix: string,
  ids: readonly string[],
  timeoutMs = 10_000,
): Promise<Map<string, string>> {
  const want = new Set(ids);
  return waitFor(
    async () => {
      const p = await placementOf(d, prefix);
      const listed = [...p.keys()].filter((id) => want.has(id));
      return listed.length === want.size ? new Map(listed.map((id) => [id, p.get(id)!])) : undefined;
    },
    {
      timeoutMs: listingWaitMs(d, timeoutMs),
      intervalMs: 100,
      what: `the node API to list all ${ids.length} clients '${prefix}…'`,
    },
  );
}

/** What the node API listed of a set of clients by a deadline: their nodes, and the ids no node listed. */
export interface PartialPlacement {
  placement: Map<string, string>;
  /** Ids no node listed when the wait ended (empty: all accounted for). */
  missing: string[];
  waitedMs: number;
}

/**
 * Like waitForPlacement, but never throws on the deadline: returns what the node API listed last and which ids no
 * node listed, so the caller can judge on what it can measure and explain the rest.
 */
export async function settlePlacement(
  d: Deployment,
  prefix: string,
  ids: readonly string[],
  timeoutMs = 10_000,
  ready: () => boolean = () => true,
): Promise<PartialPlacement> {
  const want = new Set(ids);
  const start = Date.now();
  let last = new Map<string, string>();
  const done = await waitFor(
    async () => {
      const p = await placementOf(d, prefix);
      last = new Map([...p].filter(([id]) => want.has(id)));
      return last.size === want.size && ready() ? true : undefined;
    },
    {
      timeoutMs: listingWaitMs(d, timeoutMs),
      intervalMs: 100,
      what: `the node API to list all ${ids.length} clients '${prefix}…'`,
    },
  ).catch(() => false); // the deadline passed: the partial placement is the result
  const missing = done ? [] : ids.filter((id) => !last.has(id));
  return { placement: last, missing, waitedMs: Date.now() - start };
}

/** The balancer's current connections per node on the MQTT backend (`scur` for HAProxy). */
export async function balancerCounts(d: Deployment): Promise<Counts | undefined> {
  const backend = d.balancerFacts?.mqttBackend.name;
  const servers = await d.balancerView?.servers().catch(() => undefined); // view unavailable: no cross-check
  // a view that reports no server of the backend (no per-server state, e.g. NGINX open source): no cross-check
  if (!servers?.some((s) => s.backend === backend)) return undefined;
  const counts: Counts = {};
  for (const s of servers) if (s.backend === backend && s.node) counts[s.node] = s.current;
  return counts;
}

/**
 * Waits until the nodes' own counters and the balancer's counters agree with `counts` (both are
 * updated asynchronously); returns what they said last, agreeing or not, for the cross-check.
 */
export async function crossCheck(
  d: Deployment,
  counts: Counts,
  timeoutMs = 5000,
): Promise<{ live: Counts; balancer: Counts | undefined; agrees: { live: boolean; balancer: boolean } }> {
  let last = {
    live: {} as Counts,
    balancer: undefined as Counts | undefined,
    agrees: { live: false, balancer: false },
  };
  const same = (a: Counts | undefined): boolean => !!a && Object.keys(counts).every((n) => (a[n] ?? 0) === counts[n]);
  await waitFor(
    async () => {
      const [live, balancer] = await Promise.all([liveConnections(d), balancerCounts(d)]);
      last = { live, balancer, agrees: { live: same(live), balancer: balancer === undefined || same(balancer) } };
      return last.agrees.live && last.agrees.balancer;
    },
    { timeoutMs, intervalMs: 100, what: 'node and balancer counters to agree' },
  ).catch(() => undefined); // disagreement is reported through `last`, not thrown
  return last;
}

/** Waits until no MQTT client is live on any node (between scenarios). Returns false on timeout. */
export async function waitForIdleCluster(d: Deployment, timeoutMs = 10_000): Promise<boolean> {
  return waitFor(async () => Object.values(await liveConnections(d)).every((c) => c === 0), {
    timeoutMs,
    intervalMs: 100,
    what: 'every node to have 0 live connections',
  })
    .then(() => true)
    .catch(() => false); // the caller reports a cluster that does not drain
}
