/**
 * Expected shares per node, derived — never hard-coded — from what the balancer config says
 * (algorithm, per-server weights, with their lines) and which servers the balancer reports UP.
 */
import type { BackendFacts } from '../facts.js';
import type { BalancerServerState } from '../types.js';
import { normalizeShares, type Shares } from './stats.js';

/** Algorithms whose long-run share per server is proportional to its weight (among UP servers). */
const WEIGHT_PROPORTIONAL = new Set([
  'roundrobin',
  'static-rr',
  'leastconn',
  'random',
  'source',
  'clientid',
  'uri',
  'url_param',
  'hdr',
  'rdp-cookie',
  'hash',
]);

/**
 * Algorithms that place a connection by a hash of a key (client address, client id, URI, header, NGINX `hash $key`):
 * their shares follow the weights only on average over many distinct keys, and a consistent hash's ring gives each
 * server a share that differs from its weight by design (HAProxy's manual on `hash-type consistent`: "the
 * distribution is not so smooth"; NGINX's ketama ring: 160 points per weight unit). A hash is judged on what it
 * promises — the same key to the same server, and every server with weight getting keys — not on a share test.
 */
const HASHED = new Set(['source', 'hash', 'clientid', 'uri', 'url_param', 'hdr', 'rdp-cookie']);

export interface ExpectedShares {
  /** Normalised share per node (0 for servers not UP or with weight 0). */
  shares: Shares;
  /** Configured weight per node (before the UP filter). */
  weights: Record<string, number>;
  /** Nodes the balancer reports UP. */
  up: string[];
  /** False when the algorithm has no weight-proportional model (e.g. `first`): metrics are report-only. */
  modelled: boolean;
  /** Placement by a hash of a key (HASHED): the spread is reported against the shares, not judged by them. */
  hashed: boolean;
  /** All UP servers carry the same weight. */
  equalWeights: boolean;
  /** One line that says where the shares come from, e.g. "balance roundrobin (line 20); weights …; UP: …". */
  basis: string;
  /** Config lines of non-default weights, for findings. */
  weightLines: Array<{ node: string; server: string; weight: number; line?: number; source?: string }>;
}

export function algorithmName(backend: BackendFacts): string {
  return backend.algorithm.value.split(/\s+/)[0] ?? 'roundrobin';
}

function where(line?: number): string {
  return line ? ` (line ${line})` : ' (default)';
}

/** Derives the expected shares of `backend`'s servers from its weights and the balancer's UP set. */
export function expectedShares(backend: BackendFacts, servers: readonly BalancerServerState[]): ExpectedShares {
  const algorithm = algorithmName(backend);
  const state = new Map(servers.filter((s) => s.backend === backend.name).map((s) => [s.name, s]));
  const weights: Record<string, number> = {};
  const up: string[] = [];
  for (const s of backend.servers) {
    weights[s.node] = s.weight.value;
    const st = state.get(s.name);
    // No view of the server (e.g. an external balancer), or passive checks only (NGINX open source: no up/down state
    // to report, every server is tried): assume it takes traffic.
    if (!st || st.status === 'UP' || st.status === 'no' || s.check.kind.value === 'passive') up.push(s.node);
  }
  const effective = Object.fromEntries(Object.entries(weights).map(([n, w]) => [n, up.includes(n) ? w : 0]));
  const positive = Object.values(effective).filter((w) => w > 0);
  const equalWeights = positive.every((w) => w === positive[0]);
  const weightLines = backend.servers.map((s) => ({
    node: s.node,
    server: s.name,
    weight: s.weight.value,
    line: s.weight.line,
    source: s.weight.source,
  }));
  const weightText = backend.servers
    .map((s) => `${s.node}=${s.weight.value}${s.weight.line ? ` (line ${s.weight.line})` : ''}`)
    .join(', ');
  const basis = `balance ${algorithm}${where(backend.algorithm.line)}; weights ${weightText}; UP: ${up.join(', ') || 'none'}`;
  return {
    shares: positive.length ? normalizeShares(effective) : effective,
    weights,
    up,
    modelled: WEIGHT_PROPORTIONAL.has(algorithm) && positive.length > 0,
    hashed: HASHED.has(algorithm),
    equalWeights,
    basis,
    weightLines,
  };
}

/**
 * The shares the profile says the operator intends (`thresholds.fairness.intended_shares`): "even", or a
 * map node → relative share. Undefined when the profile states no intention.
 */
export function intendedShares(setting: unknown, nodes: readonly string[]): Shares | undefined {
  if (setting === undefined || setting === null) return undefined;
  if (setting === 'even') return normalizeShares(Object.fromEntries(nodes.map((n) => [n, 1])));
  if (typeof setting === 'object') {
    const entries = Object.entries(setting as Record<string, unknown>);
    const bad = entries.filter(([n, v]) => !nodes.includes(n) || typeof v !== 'number' || v < 0);
    if (bad.length)
      throw new Error(
        `thresholds.fairness.intended_shares: expected "even" or { ${nodes.join(', ')}: <number ≥ 0> }, got ${JSON.stringify(setting)}`,
      );
    return normalizeShares(Object.fromEntries(nodes.map((n) => [n, (setting as Record<string, number>)[n] ?? 0])));
  }
  throw new Error(
    `thresholds.fairness.intended_shares: expected "even" or a map node → share, got ${JSON.stringify(setting)}`,
  );
}

/** Largest absolute difference between two share maps (0 = the same). */
export function shareDistance(a: Shares, b: Shares): number {
  const nodes = new Set([...Object.keys(a), ...Object.keys(b)]);
  return Math.max(0, ...[...nodes].map((n) => Math.abs((a[n] ?? 0) - (b[n] ?? 0))));
}

export function formatShares(s: Shares): string {
  return Object.entries(s)
    .map(([n, v]) => `${n} ${(v * 100).toFixed(1)} %`)
    .join(', ');
}
