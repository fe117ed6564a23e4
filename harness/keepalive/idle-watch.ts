/**
 * Idle MQTT clients through the balancer: connect them with a keepalive, let them send nothing but
 * their PINGREQs for a bounded time, and record which connections were closed and when. Survivors then
 * prove the path still works (a QoS 1 publish gets its PUBACK).
 */
import type { MqttClient } from 'mqtt';
import type { ClientPool } from '../clients/mqtt.js';
import { publish } from '../clients/mqtt.js';
import type { Deployment } from '../types.js';
import { delay, withTimeout } from '../util/wait.js';
import { connectAll, endAll, MAX_SOURCE_ADDRESSES, sourceAddress } from '../fairness/connect.js';
import { waitForPlacement } from '../fairness/observe.js';

export interface IdleWatchOptions {
  clients: number;
  keepaliveS: number;
  idleMs: number;
  prefix: string;
}

export interface Cut {
  clientId: string;
  node?: string;
  /** Time from CONNACK to the close, ms. */
  afterMs: number;
}

export interface IdleWatchResult {
  connected: number;
  connectFailures: string[];
  cuts: Cut[];
  /** Survivors whose QoS 1 publish after the idle period got no PUBACK. */
  deadSurvivors: string[];
  placement: Map<string, string>;
  idledMs: number;
}

export async function watchIdleClients(d: Deployment, pool: ClientPool, o: IdleWatchOptions): Promise<IdleWatchResult> {
  const specs = Array.from({ length: o.clients }, (_, i) => ({
    clientId: `${o.prefix}${i}`,
    localAddress: sourceAddress(i * 37, MAX_SOURCE_ADDRESSES),
    keepalive: o.keepaliveS,
  }));
  const { clients, failures } = await connectAll(pool, d.endpoints.mqtt, specs, 10);
  const connectedAt = Date.now();
  const cuts: Cut[] = [];
  let allCut: () => void = () => undefined;
  const everyoneCut = new Promise<void>((resolve) => (allCut = resolve));
  for (const [clientId, client] of clients) {
    const onClose = (): void => {
      cuts.push({ clientId, afterMs: Date.now() - connectedAt });
      if (cuts.length === clients.size) allCut();
    };
    client.once('close', onClose);
  }
  try {
    // Placement is context for the finding; without it the clients are reported without their node.
    const placement = await waitForPlacement(d, o.prefix, [...clients.keys()], 10_000).catch(
      () => new Map<string, string>(),
    );
    // The observation window itself: idle until the deadline, or until every client has been cut.
    await Promise.race([everyoneCut, delay(Math.max(0, connectedAt + o.idleMs - Date.now()))]);
    const idledMs = Date.now() - connectedAt;
    for (const c of cuts) c.node = placement.get(c.clientId);
    const survivors = [...clients].filter(([id]) => !cuts.some((c) => c.clientId === id));
    const deadSurvivors: string[] = [];
    await Promise.all(
      survivors.map(([id, c]) =>
        probe(c, `mqtt-lb/keepalive/${o.prefix}${id}`).catch(() => void deadSurvivors.push(id)),
      ),
    );
    return {
      connected: clients.size,
      connectFailures: failures.map((f) => `${f.clientId}: ${f.error}`),
      cuts: [...cuts],
      deadSurvivors,
      placement,
      idledMs,
    };
  } finally {
    await endAll(clients.values());
  }
}

function probe(client: MqttClient, topic: string): Promise<void> {
  return withTimeout(publish(client, topic, 'still here', { qos: 1 }), 5000, `PUBACK on ${topic}`);
}
