/**
 * EMQX v5 REST subset client (`/status`, `/api/v5/nodes`, `/api/v5/clients`), serving EMQX and the
 * stand-in alike. Auth: none (stand-in), an API key (Basic), or a dashboard login (Bearer token).
 */
import type { ClientInfo, HostPort, NodeApi, NodeStatus } from '../types.js';

export type NodeApiAuth =
  | { kind: 'none' }
  | { kind: 'api-key'; key: string; secret: string }
  | { kind: 'login'; username: string; password: string };

export class HttpNodeApi implements NodeApi {
  private token: string | undefined;
  private readonly base: string;

  constructor(
    address: HostPort,
    private readonly auth: NodeApiAuth = { kind: 'none' },
    private readonly timeoutMs = 3000,
  ) {
    this.base = `http://${address.host}:${address.port}`;
  }

  private async headers(): Promise<Record<string, string>> {
    if (this.auth.kind === 'api-key')
      return { authorization: `Basic ${Buffer.from(`${this.auth.key}:${this.auth.secret}`).toString('base64')}` };
    if (this.auth.kind === 'login') {
      this.token ??= await this.login(this.auth.username, this.auth.password);
      return { authorization: `Bearer ${this.token}` };
    }
    return {};
  }

  private async login(username: string, password: string): Promise<string> {
    const res = await fetch(`${this.base}/api/v5/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`${this.base}/api/v5/login: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  }

  private async request(method: string, path: string): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: await this.headers(),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status === 401 && this.auth.kind === 'login') {
      this.token = undefined;
      return fetch(`${this.base}${path}`, {
        method,
        headers: await this.headers(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    }
    return res;
  }

  private async json<T>(path: string): Promise<T> {
    const res = await this.request('GET', path);
    if (!res.ok) throw new Error(`GET ${this.base}${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as T;
  }

  async status(): Promise<{ ok: boolean; body: string }> {
    const res = await fetch(`${this.base}/status`, { signal: AbortSignal.timeout(this.timeoutMs) });
    return { ok: res.ok, body: await res.text() };
  }

  nodes(): Promise<NodeStatus[]> {
    return this.json<NodeStatus[]>('/api/v5/nodes');
  }

  async clients(query: { node?: string; clientid?: string | string[]; limit?: number } = {}): Promise<ClientInfo[]> {
    const out: ClientInfo[] = [];
    const limit = query.limit ?? 1000;
    for (let page = 1; page <= 1000; page++) {
      const qs = new URLSearchParams({ page: String(page), limit: String(limit) });
      if (query.node) qs.set('node', query.node);
      for (const id of [query.clientid ?? []].flat()) qs.append('clientid', id);
      const res = await this.json<{ data: ClientInfo[]; meta: { hasnext?: boolean } }>(`/api/v5/clients?${qs}`);
      out.push(...res.data);
      if (!res.meta?.hasnext || res.data.length === 0) break;
    }
    return out;
  }

  async client(clientid: string): Promise<ClientInfo | undefined> {
    const res = await this.request('GET', `/api/v5/clients/${encodeURIComponent(clientid)}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`GET /api/v5/clients/${clientid}: HTTP ${res.status}`);
    return (await res.json()) as ClientInfo;
  }

  async kick(clientid: string): Promise<boolean> {
    const res = await this.request('DELETE', `/api/v5/clients/${encodeURIComponent(clientid)}`);
    return res.status === 204;
  }
}
