/**
 * Cluster state shared through Redis, so every node can answer cluster-wide API calls.
 *
 *   standin:nodes            hash  node name -> NodeEntry JSON (refreshed every heartbeat and on connect/disconnect)
 *   standin:clients:<node>   hash  clientid  -> ClientRow JSON (written on connect/ready/subscribe, removed on disconnect)
 *
 * A peer whose entry is older than 3 of its own heartbeats, or that marked itself stopped, is down.
 * All Redis failures are logged, never thrown at callers that only publish state.
 */
import type { Redis } from 'ioredis';
import { parseClientRow, type ClientRow } from './client-info.js';
import { errorText, type Logger } from './log.js';

export const NODES_KEY = 'standin:nodes';
export const clientsKey = (node: string): string => `standin:clients:${node}`;

/** What a node publishes about itself. */
export interface NodeEntry {
  node: string;
  mqtt: string;
  http: string;
  version: string;
  started_at: number;
  heartbeat_ms: number;
  /** Wall-clock ms of the last refresh. */
  ts: number;
  live_connections: number;
  connections: number;
  stopped?: boolean;
}

export interface PeerState {
  entry: NodeEntry;
  alive: boolean;
}

export interface SelfDescription {
  node: string;
  mqtt: string;
  http: string;
  version: string;
  startedAt: number;
  heartbeatMs: number;
  liveConnections(): number;
  localRows(): ClientRow[];
}

/** Heartbeats a peer may miss before it counts as stopped. */
export const MISSED_HEARTBEATS = 3;

export function isAlive(entry: NodeEntry, now: number): boolean {
  return !entry.stopped && now - entry.ts <= MISSED_HEARTBEATS * entry.heartbeat_ms;
}

function parseNodeEntry(json: string): NodeEntry | undefined {
  try {
    const v = JSON.parse(json) as Partial<NodeEntry>;
    if (typeof v.node !== 'string' || typeof v.ts !== 'number' || typeof v.heartbeat_ms !== 'number') return undefined;
    return v as NodeEntry;
  } catch {
    return undefined;
  }
}

export class Registry {
  readonly #redis: Redis;
  readonly #self: SelfDescription;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #touchPending: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(redis: Redis, self: SelfDescription, log: Logger) {
    this.#redis = redis;
    this.#self = self;
    this.#log = log;
  }

  /** Replaces any leftovers of an earlier process of this name, then refreshes every heartbeat. */
  async start(): Promise<void> {
    await this.#resync();
    this.#timer = setInterval(() => this.#publishEntry(), this.#self.heartbeatMs);
    // After a Redis outage, updates made meanwhile are lost: republish the whole state.
    this.#redis.on('ready', () => {
      if (!this.#stopped) this.#guard('registry.resync', this.#resync());
    });
  }

  async #resync(): Promise<void> {
    const key = clientsKey(this.#self.node);
    const tx = this.#redis.multi().del(key);
    for (const row of this.#self.localRows()) tx.hset(key, row.clientid, JSON.stringify(row));
    tx.hset(NODES_KEY, this.#self.node, JSON.stringify(this.#entry()));
    await tx.exec();
  }

  clientUp(row: ClientRow): void {
    if (this.#stopped) return;
    this.#guard('registry.client_up', this.#redis.hset(clientsKey(this.#self.node), row.clientid, JSON.stringify(row)));
    this.touch();
  }

  clientDown(clientid: string): void {
    if (this.#stopped) return;
    this.#guard('registry.client_down', this.#redis.hdel(clientsKey(this.#self.node), clientid));
    this.touch();
  }

  /** Refreshes this node's entry soon (coalesces bursts of connects/disconnects). */
  touch(): void {
    if (this.#touchPending || this.#stopped) return;
    this.#touchPending = setTimeout(() => {
      this.#touchPending = undefined;
      this.#publishEntry();
    }, 100);
  }

  /** Graceful stop: drop this node's client list and mark it stopped, so peers report it at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#touchPending);
    const entry: NodeEntry = { ...this.#entry(), live_connections: 0, connections: 0, stopped: true };
    await this.#redis
      .multi()
      .del(clientsKey(this.#self.node))
      .hset(NODES_KEY, this.#self.node, JSON.stringify(entry))
      .exec();
  }

  /** Every other node ever registered in this Redis, with its liveness now. */
  async peers(): Promise<PeerState[]> {
    const all = await this.#redis.hgetall(NODES_KEY);
    const now = Date.now();
    const peers: PeerState[] = [];
    for (const [name, json] of Object.entries(all)) {
      if (name === this.#self.node) continue;
      const entry = parseNodeEntry(json);
      if (entry) peers.push({ entry, alive: isAlive(entry, now) });
    }
    return peers;
  }

  async peerRows(node: string): Promise<ClientRow[]> {
    const all = await this.#redis.hgetall(clientsKey(node));
    const rows: ClientRow[] = [];
    for (const json of Object.values(all)) {
      const row = parseClientRow(json);
      if (row) rows.push(row);
    }
    return rows;
  }

  async peerRow(node: string, clientid: string): Promise<ClientRow | undefined> {
    const json = await this.#redis.hget(clientsKey(node), clientid);
    return json === null ? undefined : parseClientRow(json);
  }

  #entry(): NodeEntry {
    const live = this.#self.liveConnections();
    return {
      node: this.#self.node,
      mqtt: this.#self.mqtt,
      http: this.#self.http,
      version: this.#self.version,
      started_at: this.#self.startedAt,
      heartbeat_ms: this.#self.heartbeatMs,
      ts: Date.now(),
      live_connections: live,
      connections: live,
    };
  }

  #publishEntry(): void {
    if (this.#stopped) return;
    this.#guard('registry.refresh', this.#redis.hset(NODES_KEY, this.#self.node, JSON.stringify(this.#entry())));
  }

  #guard(what: string, p: Promise<unknown>): void {
    p.catch((err: unknown) => this.#log.event('error', { what, error: errorText(err) }));
  }
}
