/**
 * The cluster as one node sees it: its own nodes/clients from memory, its peers' from the Redis registry.
 * This is what the HTTP API answers from; it knows nothing about HTTP.
 */
import type { Aedes, Client } from 'aedes';
import { clientRow, type ClientFacts, type ClientRow } from './client-info.js';
import type { NodeEntry, Registry } from './registry.js';

/** One `/api/v5/nodes` item, field names as EMQX returns them (subset). */
export interface NodeRow {
  node: string;
  node_status: 'running' | 'stopped';
  role: 'core';
  edition?: string;
  version?: string;
  uptime?: number;
  live_connections?: number;
  connections?: number;
}

export class NodeDownError extends Error {
  constructor(readonly node: string) {
    super(`node ${node} is unknown or down`);
    this.name = 'NodeDownError';
  }
}

export interface ClusterViewOptions {
  name: string;
  version: string;
  startedAt: number;
  broker: Aedes;
  registry: Registry;
  facts: ClientFacts;
  /** Asks a peer's HTTP API to kick one of its local clients; resolves true when it did. */
  kickOnPeer(peerHttp: string, clientid: string): Promise<boolean>;
}

export const EDITION = 'stand-in';

/** aedes keeps its registered clients in `broker.clients`; its typings omit it. */
export function clientsOf(broker: Aedes): Record<string, Client | undefined> {
  return (broker as Aedes & { clients: Record<string, Client | undefined> }).clients;
}

function runningRow(
  entry: Pick<NodeEntry, 'node' | 'version' | 'started_at' | 'live_connections' | 'connections'>,
  now: number,
): NodeRow {
  return {
    node: entry.node,
    node_status: 'running',
    role: 'core',
    edition: EDITION,
    version: entry.version,
    uptime: Math.max(0, now - entry.started_at),
    live_connections: entry.live_connections,
    connections: entry.connections,
  };
}

export class ClusterView {
  readonly #o: ClusterViewOptions;

  constructor(options: ClusterViewOptions) {
    this.#o = options;
  }

  get name(): string {
    return this.#o.name;
  }

  localClients(): Client[] {
    return Object.values(clientsOf(this.#o.broker)).filter((c): c is Client => c !== undefined && !c.closed);
  }

  localRows(): ClientRow[] {
    return this.localClients().map((c) => clientRow(c, this.#o.name, this.#o.facts));
  }

  selfRow(): NodeRow {
    const live = this.localClients().length;
    return runningRow(
      {
        node: this.#o.name,
        version: this.#o.version,
        started_at: this.#o.startedAt,
        live_connections: live,
        connections: live,
      },
      Date.now(),
    );
  }

  async nodes(): Promise<NodeRow[]> {
    const now = Date.now();
    const rows = [this.selfRow()];
    for (const peer of await this.#o.registry.peers()) {
      rows.push(
        peer.alive ? runningRow(peer.entry, now) : { node: peer.entry.node, node_status: 'stopped', role: 'core' },
      );
    }
    return rows.sort((a, b) => a.node.localeCompare(b.node));
  }

  async node(name: string): Promise<NodeRow | undefined> {
    return (await this.nodes()).find((n) => n.node === name);
  }

  /** Client rows of the whole cluster, or of one node (NodeDownError when that node is unknown or down). */
  async clients(node?: string): Promise<ClientRow[]> {
    if (node === this.#o.name) return this.localRows();
    const peers = (await this.#o.registry.peers()).filter((p) => p.alive);
    if (node !== undefined) {
      if (!peers.some((p) => p.entry.node === node)) throw new NodeDownError(node);
      return this.#o.registry.peerRows(node);
    }
    const rows = this.localRows();
    for (const peer of peers) rows.push(...(await this.#o.registry.peerRows(peer.entry.node)));
    return rows;
  }

  async client(clientid: string): Promise<ClientRow | undefined> {
    const local = this.#localClient(clientid);
    if (local) return clientRow(local, this.#o.name, this.#o.facts);
    for (const peer of await this.#o.registry.peers()) {
      if (!peer.alive) continue;
      const row = await this.#o.registry.peerRow(peer.entry.node, clientid);
      if (row) return row;
    }
    return undefined;
  }

  /** Kicks a local client (its Will is published); false when it is not here. */
  kickLocal(clientid: string): boolean {
    const client = this.#localClient(clientid);
    if (!client) return false;
    client.close();
    return true;
  }

  /** Kicks the client wherever it is connected; true when some node closed it. */
  async kick(clientid: string): Promise<boolean> {
    if (this.kickLocal(clientid)) return true;
    let kicked = false;
    for (const peer of await this.#o.registry.peers()) {
      if (!peer.alive) continue;
      if (!(await this.#o.registry.peerRow(peer.entry.node, clientid))) continue;
      // A peer that died since its last refresh cannot kick anything: count it as not kicked.
      if (await this.#o.kickOnPeer(peer.entry.http, clientid).catch(() => false)) kicked = true;
    }
    return kicked;
  }

  #localClient(clientid: string): Client | undefined {
    const client = clientsOf(this.#o.broker)[clientid];
    return client && !client.closed ? client : undefined;
  }
}
