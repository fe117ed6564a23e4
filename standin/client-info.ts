/**
 * EMQX-v5-shaped rows (`GET /api/v5/clients` items) built from aedes clients.
 */
import type { Client } from 'aedes';
import type { ConnectionDetails } from 'aedes-protocol-decoder';

/** One `/api/v5/clients` item, field names as EMQX returns them (subset). */
export interface ClientRow {
  clientid: string;
  node: string;
  ip_address: string;
  port: number;
  connected: boolean;
  clean_start: boolean;
  proto_ver: number;
  proto_name: string;
  keepalive: number;
  subscriptions_cnt: number;
  connected_at: string;
  listener: string;
  /** Stand-in extra: 0 = no PROXY header, 1 = v1, 2 = v2. */
  proxy: number;
}

/** What aedes keeps on a client that its typings omit. */
interface ClientInternals {
  connDetails?: ConnectionDetails | null;
  subscriptions?: Record<string, unknown>;
}

/** Per-client facts aedes does not keep (keepalive, connect time), captured in preConnect/'client'. */
export class ClientFacts {
  readonly #keepalive = new WeakMap<Client, number>();
  readonly #connectedAt = new WeakMap<Client, number>();

  noteConnectPacket(client: Client, keepalive: number): void {
    this.#keepalive.set(client, keepalive);
  }

  noteRegistered(client: Client): void {
    this.#connectedAt.set(client, Date.now());
  }

  keepalive(client: Client): number {
    return this.#keepalive.get(client) ?? 0;
  }

  connectedAt(client: Client): number {
    return this.#connectedAt.get(client) ?? Date.now();
  }
}

export function clientRow(client: Client, node: string, facts: ClientFacts): ClientRow {
  const internals = client as Client & ClientInternals;
  const details = internals.connDetails ?? undefined;
  const version = client.version ?? 4;
  return {
    clientid: client.id,
    node,
    ip_address: details?.ipAddress ?? '',
    port: details?.port ?? 0,
    connected: !client.closed,
    clean_start: client.clean,
    proto_ver: version,
    proto_name: version === 3 ? 'MQIsdp' : 'MQTT',
    keepalive: facts.keepalive(client),
    subscriptions_cnt: internals.subscriptions ? Object.keys(internals.subscriptions).length : 0,
    connected_at: new Date(facts.connectedAt(client)).toISOString(),
    listener: listenerOf(details),
    proxy: details?.isProxy ?? 0,
  };
}

/** EMQX's listener id for a connection: tcp:default, ssl:default, ws:default or wss:default. */
function listenerOf(details: ConnectionDetails | undefined): string {
  if (details?.isWebsocket) return details.isTls ? 'wss:default' : 'ws:default';
  return details?.isTls ? 'ssl:default' : 'tcp:default';
}

/** Parses a row published by a peer; undefined when it is not a usable row. */
export function parseClientRow(json: string): ClientRow | undefined {
  try {
    const v = JSON.parse(json) as Partial<ClientRow>;
    if (typeof v.clientid !== 'string' || typeof v.node !== 'string') return undefined;
    return v as ClientRow;
  } catch {
    return undefined;
  }
}
