/**
 * Filtering and paging of `GET /api/v5/clients`, as EMQX does it:
 * repeatable `clientid`, `like_clientid` (substring), `page` (from 1), `limit` (default 100, max 10000).
 */
import type { ClientRow } from './client-info.js';

export class BadQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadQueryError';
  }
}

export interface ClientsPage {
  data: ClientRow[];
  meta: { page: number; limit: number; count: number; hasnext: boolean };
}

function positiveInt(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max)
    throw new BadQueryError(`${name} must be an integer 1-${max}, got "${raw}"`);
  return n;
}

export function paginateClients(rows: readonly ClientRow[], params: URLSearchParams): ClientsPage {
  const page = positiveInt(params, 'page', 1, 1_000_000);
  const limit = positiveInt(params, 'limit', 100, 10_000);
  const ids = params.getAll('clientid');
  const like = params.get('like_clientid');
  const wanted = ids.length > 0 ? new Set(ids) : undefined;
  const matching = rows
    .filter((r) => (wanted ? wanted.has(r.clientid) : true) && (like ? r.clientid.includes(like) : true))
    .sort((a, b) => a.node.localeCompare(b.node) || a.clientid.localeCompare(b.clientid));
  const start = (page - 1) * limit;
  return {
    data: matching.slice(start, start + limit),
    meta: { page, limit, count: matching.length, hasnext: start + limit < matching.length },
  };
}
