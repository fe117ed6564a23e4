/**
 * The harness's node interface (EMQX-v5-shaped NodeApi) read from RabbitMQ's management API: `/api/nodes` for
 * membership, `/api/connections` (`node`, `client_properties.client_id`) for live connections and placement,
 * `DELETE /api/connections/{name}` to kick. Any node answers for the whole cluster; a connection shows after the
 * statistics interval.
 */
import type { ClientInfo, HostPort, NodeApi, NodeStatus } from '../types.js';

interface RabbitConnection {
  name: string;
  node: string;
  peer_host?: string;
  peer_port?: number;
  connected_at?: number;
  protocol?: string;
  client_properties?: { client_id?: string };
}

interface RabbitNode {
  name: string;
  running: boolean;
}

/** A client as ClientInfo, with RabbitMQ's `connected_at` (ms) so a takeover is visible as a new connection. */
type RabbitClient = ClientInfo & { connected_at?: number };

const CONNECTION_COLUMNS = 'name,node,peer_host,peer_port,connected_at,protocol,client_properties.client_id';

export class RabbitNodeApi implements NodeApi {
  private readonly base: string;
  private readonly authorization: string;

  constructor(
    address: HostPort,
    credentials: { username: string; password: string },
    private readonly timeoutMs = 3000,
  ) {
    this.base = `http://${address.host}:${address.port}`;
    this.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  private request(method: string, path: string): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: this.authorization },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  private async json<T>(path: string): Promise<T> {
    const res = await this.request('GET', path);
    if (!res.ok) throw new Error(`GET ${this.base}${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as T;
  }

  private connections(): Promise<RabbitConnection[]> {
    return this.json<RabbitConnection[]>(`/api/connections?columns=${CONNECTION_COLUMNS}`);
  }

  /** This node's local alarms health check (200 with `{"status":"ok"}` when healthy): the node answers and is usable. */
  async status(): Promise<{ ok: boolean; body: string }> {
    const res = await this.request('GET', '/api/health/checks/local-alarms');
    return { ok: res.ok, body: await res.text() };
  }

  async nodes(): Promise<NodeStatus[]> {
    const [nodes, conns] = await Promise.all([
      this.json<RabbitNode[]>('/api/nodes?columns=name,running'),
      this.connections(),
    ]);
    return nodes.map((n) => {
      const live = n.running ? conns.filter((c) => c.node === n.name).length : 0;
      return {
        node: n.name,
        node_status: n.running ? 'running' : 'stopped',
        live_connections: live,
        connections: live,
      };
    });
  }

  async clients(query: { node?: string; clientid?: string | string[]; limit?: number } = {}): Promise<RabbitClient[]> {
    const ids = query.clientid === undefined ? undefined : new Set([query.clientid].flat());
    return (await this.connections())
      .filter((c) => c.protocol === undefined || c.protocol.startsWith('MQTT'))
      .map(toClient)
      .filter((c) => c.clientid !== '' && (!query.node || c.node === query.node) && (!ids || ids.has(c.clientid)));
  }

  async client(clientid: string): Promise<RabbitClient | undefined> {
    const rows = await this.clients({ clientid });
    return rows.sort((a, b) => (b.connected_at ?? 0) - (a.connected_at ?? 0))[0];
  }

  /** Closes every connection of `clientid` (204 each); false when none is listed. */
  async kick(clientid: string): Promise<boolean> {
    const names = (await this.connections())
      .filter((c) => c.client_properties?.client_id === clientid)
      .map((c) => c.name);
    let kicked = false;
    for (const name of names) {
      const res = await this.request('DELETE', `/api/connections/${encodeURIComponent(name)}`);
      kicked ||= res.status === 204;
    }
    return kicked;
  }
}

function toClient(c: RabbitConnection): RabbitClient {
  return {
    clientid: c.client_properties?.client_id ?? '',
    node: c.node,
    ip_address: c.peer_host ?? '',
    ...(c.peer_port !== undefined ? { port: c.peer_port } : {}),
    connected: true,
    ...(c.connected_at !== undefined ? { connected_at: c.connected_at } : {}),
  };
}
