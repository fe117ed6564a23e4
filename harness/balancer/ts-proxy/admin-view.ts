/** The balancer's own view through the TS-proxy admin API (`GET /api/servers`). */
import type { BalancerServerState, BalancerView, MappingEntry } from '../../types.js';

interface AdminServer {
  backend: string;
  name: string;
  status: string;
  checkStatus: string;
  checkDetail?: string;
  lastChange: number;
  current: number;
  total: number;
}

export class TsProxyView implements BalancerView {
  constructor(
    private readonly base: string,
    private readonly token: string | null,
    private readonly mapping: readonly MappingEntry[],
  ) {}

  async servers(): Promise<BalancerServerState[]> {
    const res = await fetch(`${this.base}/api/servers`, {
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) throw new Error(`TS-proxy admin API ${this.base}/api/servers: HTTP ${res.status}`);
    const rows = (await res.json()) as AdminServer[];
    return rows.map((r) => ({
      backend: r.backend,
      name: r.name,
      node: this.mapping.find((m) => m.backend === r.backend && m.server === r.name)?.node,
      status: r.status,
      checkStatus: r.checkStatus,
      ...(r.checkDetail ? { checkDetail: r.checkDetail } : {}),
      lastChangeMs: r.lastChange,
      current: r.current,
      total: r.total,
    }));
  }
}
