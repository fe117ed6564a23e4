/**
 * One spread measurement: connect a batch of clients through the balancer, ask the cluster where each
 * landed, and cross-check with the nodes' and the balancer's counters.
 */
import type { MqttClient } from 'mqtt';
import type { ClientPool } from '../clients/mqtt.js';
import type { Deployment } from '../types.js';
import { connectAll, endAll, type ClientSpec } from './connect.js';
import { countByNode, crossCheck, waitForPlacement, waitForIdleCluster } from './observe.js';
import type { Counts } from './stats.js';

export interface Spread {
  clients: Map<string, MqttClient>;
  failures: Array<{ clientId: string; error: string }>;
  /** Client id → node, per the node API. */
  placement: Map<string, string>;
  counts: Counts;
  live: Counts;
  balancer: Counts | undefined;
  countersAgree: boolean;
}

export async function measureSpread(
  d: Deployment,
  pool: ClientPool,
  prefix: string,
  specs: readonly ClientSpec[],
  concurrency: number,
): Promise<Spread> {
  const { clients, failures } = await connectAll(pool, d.endpoints.mqtt, specs, concurrency);
  const placement = await waitForPlacement(d, prefix, [...clients.keys()], 15_000);
  const counts = countByNode(
    placement,
    d.nodes.map((n) => n.name),
  );
  const check = await crossCheck(d, counts);
  return {
    clients,
    failures,
    placement,
    counts,
    live: check.live,
    balancer: check.balancer,
    countersAgree: check.agrees.live && check.agrees.balancer,
  };
}

/** Ends the clients and waits until the cluster has no live connection left (false if it still has). */
export async function releaseSpread(d: Deployment, clients: Iterable<MqttClient>): Promise<boolean> {
  await endAll(clients);
  return waitForIdleCluster(d);
}

function shuffled<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Connect `rounds` times per key (connect, record the node, disconnect): key → nodes seen. */
export async function repeatPlacement(
  d: Deployment,
  pool: ClientPool,
  prefix: string,
  keys: readonly string[],
  rounds: number,
  specFor: (key: string, round: number) => ClientSpec,
  concurrency: number,
): Promise<{ seen: Map<string, string[]>; failures: Array<{ clientId: string; error: string }> }> {
  const seen = new Map<string, string[]>(keys.map((k) => [k, []]));
  const failures: Array<{ clientId: string; error: string }> = [];
  for (let round = 0; round < rounds; round++) {
    // A new order every round: otherwise roundrobin over a multiple of the server count would repeat
    // the same assignment and pass for stickiness it does not have.
    const order = shuffled(keys);
    const specs = order.map((k) => specFor(k, round));
    const keyOf = new Map(specs.map((s, i) => [s.clientId, order[i]!]));
    const spread = await measureSpread(d, pool, prefix, specs, concurrency);
    failures.push(...spread.failures);
    for (const [id, node] of spread.placement) seen.get(keyOf.get(id)!)?.push(node);
    await releaseSpread(d, spread.clients.values());
  }
  return { seen, failures };
}
