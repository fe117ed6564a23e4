/**
 * Where did a client land? Ground truth is the cluster's node API (`node` per client), never the
 * client's own belief. Also: get clients onto distinct nodes through the balancer.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Deployment, NodeName } from '../types.js';
import { passiveOnly } from '../facts.js';
import type { ClientPool } from './mqtt.js';
import { waitFor } from '../util/wait.js';

/** The bound of a wait on the node API's view of placement: `base` plus the backend's observation lag. */
export function listingWaitMs(d: Pick<Deployment, 'capabilities'>, base = 5000): number {
  return base + (d.capabilities.observationLagMs ?? 0);
}

/** The harness node a client is connected to, per the node API of any running node. */
export async function nodeOfClient(d: Deployment, clientid: string, timeoutMs = listingWaitMs(d)): Promise<NodeName> {
  return waitFor(
    async () => {
      for (const n of d.nodes) {
        const info = await d
          .nodeApi(n.name)
          .client(clientid)
          .catch(() => undefined); // that node's API is down (a fault): ask the next one
        if (info?.node) {
          const node = d.nodes.find((x) => x.brokerNode === info.node);
          if (node) return node.name;
        }
        if (info === undefined) continue;
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 25, what: `the node API to list client ${clientid}` },
  );
}

export interface PlacedClient {
  client: MqttClient;
  clientId: string;
  node: NodeName;
}

/** Connects through the balancer and asks the cluster where the client landed. */
export async function connectPlaced(
  d: Deployment,
  pool: ClientPool,
  opts: IClientOptions & { clientId: string; localAddress?: string },
): Promise<PlacedClient> {
  const client = await pool.connect(d.endpoints.mqtt, opts);
  return { client, clientId: opts.clientId, node: await nodeOfClient(d, opts.clientId) };
}

/**
 * Connects through the balancer until `count` clients sit on `count` distinct nodes (bounded). After a
 * few attempts from one source address it varies the source (127.0.2.x), for source-hash balancing.
 */
export async function connectOnDistinctNodes(
  d: Deployment,
  pool: ClientPool,
  count: number,
  prefix: string,
  opts: IClientOptions = {},
): Promise<PlacedClient[]> {
  const placed = new Map<NodeName, PlacedClient>();
  const maxAttempts = 12 * count;
  for (let i = 0; i < maxAttempts && placed.size < count; i++) {
    const localAddress = i >= 2 * count ? `127.0.2.${(i % 250) + 1}` : undefined;
    const p = await connectPlaced(d, pool, { ...opts, clientId: `${prefix}-${i}`, localAddress });
    if (placed.has(p.node)) await new Promise<void>((r) => p.client.end(true, {}, () => r()));
    else placed.set(p.node, p);
  }
  if (placed.size < count)
    throw new Error(
      `could not place ${count} clients on distinct nodes through the balancer in ${maxAttempts} attempts (got ${[...placed.keys()].join(', ')})`,
    );
  return [...placed.values()];
}

/**
 * Connects through the balancer, each client from its own source address (127.0.2.x), in small batches until
 * every node in `expected` holds at least one client or `budget` clients are connected. Returns every client.
 */
export async function connectUntilCovered(
  d: Deployment,
  pool: ClientPool,
  expected: readonly NodeName[],
  budget: number,
  prefix: string,
  batch = 6,
): Promise<PlacedClient[]> {
  const placed: PlacedClient[] = [];
  const covered = (): boolean => expected.every((n) => placed.some((p) => p.node === n));
  for (let i = 0; i < budget && !covered(); i += batch) {
    const size = Math.min(batch, budget - i);
    const next = await Promise.all(
      Array.from({ length: size }, (_, k) =>
        connectPlaced(d, pool, { clientId: `${prefix}-${i + k}`, localAddress: `127.0.2.${((i + k) % 250) + 1}` }),
      ),
    );
    placed.push(...next);
  }
  return placed;
}

/**
 * Names of the MQTT backend's servers the balancer reports UP; undefined when the balancer cannot be asked (no view,
 * or passive checks only: such a balancer has no up/down state to report).
 */
export async function upServers(d: Deployment): Promise<Set<string> | undefined> {
  if (!d.balancerView || d.balancerView.lacks || !d.balancerFacts || passiveOnly(d.balancerFacts.mqttBackend))
    return undefined;
  const backend = d.balancerFacts.mqttBackend.name;
  const servers = await d.balancerView.servers();
  return new Set(servers.filter((s) => s.backend === backend && s.status === 'UP').map((s) => s.name));
}
