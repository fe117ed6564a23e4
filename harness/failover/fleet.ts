/**
 * The clients of a failover scenario: auto-reconnecting MQTT clients through the balancer, each from
 * its own source address (127.0.2.x, so source-hash balancing spreads them too), with their events
 * recorded. Roles: publishers and persistent (clean=false) subscribers of the steady stream, the rest
 * idle. Where each one sits comes from the cluster's node API, never from the client. Clients are the load engine's
 * or MQTT.js' (`client`, harness/failover/fleet-client.ts); a profile that routes clients over WebSocket gets MQTT.js.
 */
import type { Deployment, NodeName } from '../types.js';
import type { ClientPool } from '../clients/mqtt.js';
import { ClientEvents } from './client-events.js';
import type { FleetClient, FleetClientKind, FleetWill } from './fleet-client.js';
import { MqttJsFleetClient } from './mqttjs-client.js';
import { EngineFleet } from './engine-fleet.js';
import { waitFor } from '../util/wait.js';
import { listingWaitMs } from '../clients/placement.js';

export type Role = 'publisher' | 'subscriber' | 'idle';

export interface FleetMember {
  id: string;
  role: Role;
  client: FleetClient;
  events: ClientEvents;
  localAddress: string;
}

export interface FleetOptions {
  idPrefix: string;
  clients: number;
  publishers: number;
  subscribers: number;
  keepaliveS: number;
  reconnectPeriodMs: number;
  connectTimeoutMs: number;
  /** First host byte of the 127.0.2.x source addresses (1–250); distinct per fleet in one scenario. */
  firstAddress?: number;
  will?: (id: string) => FleetWill;
  /** Which client implementation (default 'engine'; MQTT.js where the engine's cannot go: fleetClientKind). */
  client?: FleetClientKind;
}

/** The implementation the fleet uses: the engine's connection speaks plain TCP only. */
export function fleetClientKind(pool: ClientPool, asked: FleetClientKind = 'engine'): FleetClientKind {
  return asked === 'engine' && (!pool.route || pool.route.tcpOnly) ? 'engine' : 'mqttjs';
}

export class Fleet {
  private constructor(
    readonly members: FleetMember[],
    readonly kind: FleetClientKind,
  ) {}

  static async connect(d: Deployment, pool: ClientPool, o: FleetOptions, timeoutMs = 15_000): Promise<Fleet> {
    const first = o.firstAddress ?? 1;
    if (first + o.clients - 1 > 250)
      throw new Error(`fleet ${o.idPrefix}: ${o.clients} clients from 127.0.2.${first} run past 127.0.2.250`);
    const kind = fleetClientKind(pool, o.client);
    const engine = kind === 'engine' ? new EngineFleet(d.endpoints.mqtt, o.connectTimeoutMs) : undefined;
    const members = Array.from({ length: o.clients }, (_, i): FleetMember => {
      const role: Role = i < o.publishers ? 'publisher' : i < o.publishers + o.subscribers ? 'subscriber' : 'idle';
      const id = `${o.idPrefix}-${role[0]}${i}`;
      const localAddress = `127.0.2.${first + i}`;
      const events = new ClientEvents(id);
      const options = {
        clientId: id,
        localAddress,
        clean: role !== 'subscriber',
        keepaliveS: o.keepaliveS,
        reconnectPeriodMs: o.reconnectPeriodMs,
        connectTimeoutMs: o.connectTimeoutMs,
        ...(o.will ? { will: o.will(id) } : {}),
      };
      let client: FleetClient;
      if (engine) {
        const c = engine.add({ options, events });
        c.start();
        client = c;
      } else client = MqttJsFleetClient.create(pool, d.endpoints.mqtt, { options, events });
      return { id, role, client, events, localAddress };
    });
    const fleet = new Fleet(members, kind);
    await waitFor(() => members.every((m) => m.client.connected), {
      timeoutMs,
      intervalMs: 25,
      what: `${o.clients} fleet clients to connect through the balancer`,
    }).catch(async (err: Error) => {
      await fleet.close();
      throw err;
    });
    return fleet;
  }

  byRole(role: Role): FleetMember[] {
    return this.members.filter((m) => m.role === role);
  }

  /** Node of every member per the cluster's node API (asks the first node that answers). */
  async placement(d: Deployment, timeoutMs = listingWaitMs(d)): Promise<Map<string, NodeName>> {
    const ids = new Set(this.members.map((m) => m.id));
    const all = async (): Promise<Map<string, NodeName> | undefined> => {
      const placed = await this.listed(d);
      return placed?.size === ids.size ? placed : undefined;
    };
    return waitFor(all, {
      timeoutMs,
      intervalMs: 100,
      what: `the node API to list all ${ids.size} fleet clients`,
    });
  }

  /** The members the node API lists now, by node (one listing, from the first node that answers; for messages). */
  async listed(d: Deployment): Promise<Map<string, NodeName> | undefined> {
    const byBrokerNode = new Map(d.nodes.map((n) => [n.brokerNode, n.name]));
    const ids = new Set(this.members.map((m) => m.id));
    for (const n of d.nodes) {
      const rows = await d
        .nodeApi(n.name)
        .clients({ limit: 1000 })
        .catch(() => undefined); // a faulted node's API is down: ask the next node
      if (!rows) continue;
      const placed = new Map<string, NodeName>();
      for (const r of rows)
        if (ids.has(r.clientid) && byBrokerNode.has(r.node)) placed.set(r.clientid, byBrokerNode.get(r.node)!);
      return placed;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.client.end()));
  }
}
