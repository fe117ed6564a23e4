/**
 * Rebalance after recovery: clients spread over all nodes, one node is killed, its clients reconnect
 * to the others, the node comes back, new clients connect — and the imbalance that remains is watched
 * for a bounded time. Existing MQTT connections never move back by themselves; only where new
 * connections go (leastconn vs roundrobin) or an active rebalance changes the picture.
 *
 * Verdict when some clients are listed by no node (./unaccounted.ts): the counts are of the clients the nodes list,
 * and the rest is a warning finding, never a timeout. Why not fail: what this scenario measures is where the balancer
 * sends connections after a node returns; a client held on a connection to the dead node (a killed container can
 * leave no FIN/RST behind, and a balancer with passive checks only — open-source NGINX — never closes what it holds)
 * is a failover cost the failover suite judges. Why not pass silently: that client is cut off from the cluster
 * until its keepalive expires, which the operator must hear with the lines that cause it. Too few listed clients for
 * any statistic: evaluate()'s no-data verdict fails the scenario. On the local runtime a killed process's sockets are
 * closed by the kernel (loopback: FIN/RST always arrive), so this shows mainly on the docker runtime.
 */
import type { MqttClient } from 'mqtt';
import type { ClientPool } from '../clients/mqtt.js';
import type { Deployment } from '../types.js';
import { passiveOnly } from '../facts.js';
import { delay, waitFor } from '../util/wait.js';
import { connectAll, sourceAddress } from './connect.js';
import { countByNode, liveConnections, settlePlacement } from './observe.js';
import { fairnessStats, type Counts, type Shares } from './stats.js';
import { classifyUnaccounted, unaccountedCount, type UnaccountedClients } from './unaccounted.js';

export interface RebalanceOptions {
  clients: number;
  newClients: number;
  observeMs: number;
  sourceAddresses: number;
  concurrency: number;
  /** Balanced = Jain's index against `shares` at least this. */
  jainMin: number;
  shares: Shares;
}

export interface RebalanceResult {
  victim: string;
  clients: Map<string, MqttClient>;
  failures: number;
  before: Counts;
  afterFailover: Counts;
  final: Counts;
  /** Kill → every client connected again on the other nodes; null: not all within the wait (see `unaccounted`). */
  reconnectedMs: number | null;
  /** Restart → the balancer reports the node UP. */
  upAfterMs: number;
  /** From the node being UP again until the live spread was balanced; null = not within the window. */
  balancedAfterMs: number | null;
  samples: Array<{ t: number; live: Counts; jain: number }>;
  /**
   * Clients no node listed when a placement was taken (each phase at most once): the counts above are of the clients
   * the nodes list; these are explained by a finding instead of ending the scenario in a timeout.
   */
  unaccounted: UnaccountedClients[];
}

async function waitUp(d: Deployment, node: string): Promise<void> {
  const backend = d.balancerFacts?.mqttBackend.name;
  await waitFor(
    async () => {
      // no state to wait for (no view of it, or passive checks only): the node's own API says when it is back
      const passive = d.balancerFacts ? passiveOnly(d.balancerFacts.mqttBackend) : false;
      const servers = passive
        ? []
        : ((await d.balancerView?.servers()) ?? []).filter((s) => s.backend === backend && s.node === node);
      if (servers.length === 0) return (await d.nodeApi(node).status()).ok;
      return servers.every((s) => s.status === 'UP');
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `the balancer to report ${node} UP again` },
  );
}

export async function runRebalance(
  d: Deployment,
  pool: ClientPool,
  prefix: string,
  o: RebalanceOptions,
): Promise<RebalanceResult> {
  const names = d.nodes.map((n) => n.name);
  const specs = Array.from({ length: o.clients }, (_, i) => ({
    clientId: `${prefix}a${i}`,
    localAddress: sourceAddress(i, o.sourceAddresses),
    reconnectPeriod: 250,
    connectTimeout: 5000,
  }));
  const first = await connectAll(pool, d.endpoints.mqtt, specs, o.concurrency);
  const unaccounted: UnaccountedClients[] = [];
  const note = (u: UnaccountedClients): void => {
    if (unaccountedCount(u) > 0) unaccounted.push(u);
  };
  const ids = [...first.clients.keys()];
  const placed = await settlePlacement(d, prefix, ids, 15_000);
  note(classifyUnaccounted('before the kill', ids.length, placed.missing, first.clients, placed.waitedMs));
  const before = countByNode(placed.placement, names);
  // The busiest node (the last of equals): its clients have to move.
  const victim = names.reduce((a, n) => ((before[n] ?? 0) >= (before[a] ?? 0) ? n : a), names[0]!);
  const onVictim = new Set([...placed.placement].filter(([, n]) => n === victim).map(([id]) => id));

  const killedAt = Date.now();
  await d.fault(victim, 'kill');
  // Every client connected again and listed by a node; by the deadline, what was listed (the rest: a finding).
  const moved = await settlePlacement(d, prefix, ids, 40_000, () =>
    [...first.clients.values()].every((c) => c.connected),
  );
  note(classifyUnaccounted('after the kill', ids.length, moved.missing, first.clients, moved.waitedMs, onVictim));
  const reconnectedMs = moved.missing.length ? null : Date.now() - killedAt;
  const afterFailover = countByNode(moved.placement, names);

  const restartAt = Date.now();
  await d.fault(victim, 'restart');
  await waitUp(d, victim);
  const upAt = Date.now();

  const second = await connectAll(
    pool,
    d.endpoints.mqtt,
    Array.from({ length: o.newClients }, (_, i) => ({
      clientId: `${prefix}b${i}`,
      localAddress: sourceAddress(o.clients + i, o.sourceAddresses),
    })),
    o.concurrency,
  );
  const samples: RebalanceResult['samples'] = [];
  let balancedAfterMs: number | null = null;
  const observeUntil = Date.now() + o.observeMs;
  do {
    const live = await liveConnections(d);
    const t = Date.now() - upAt;
    const jain = fairnessStats(live, o.shares).jain;
    samples.push({ t, live, jain });
    if (balancedAfterMs === null && jain >= o.jainMin) balancedAfterMs = t;
    await delay(250);
  } while (Date.now() < observeUntil);

  const clients = new Map([...first.clients, ...second.clients]);
  const all = [...clients.keys()];
  const last = await settlePlacement(d, prefix, all, 15_000);
  note(classifyUnaccounted('after the recovery', all.length, last.missing, clients, last.waitedMs, onVictim));
  const final = countByNode(last.placement, names);
  return {
    victim,
    clients,
    failures: first.failures.length + second.failures.length,
    before,
    afterFailover,
    final,
    reconnectedMs,
    upAfterMs: upAt - restartAt,
    balancedAfterMs,
    samples,
    unaccounted,
  };
}
