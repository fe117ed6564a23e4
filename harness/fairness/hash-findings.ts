/**
 * Findings for algorithms that place by a hash of a key (./expected.ts HASHED): the spread reported, not judged, and
 * the one spread fact a hash does promise — every server with weight gets keys.
 */
import type { BackendFacts } from '../facts.js';
import type { Finding } from '../report/summary-types.js';
import type { ExpectedShares } from './expected.js';
import { formatCounts, type Evaluation } from './evaluate.js';
import type { Counts } from './stats.js';

/**
 * A hash algorithm's spread, reported against the weights: shares follow the weights only on average over many keys,
 * so the share test is not a verdict here (./expected.ts HASHED).
 */
export function hashSpreadReported(backend: BackendFacts, exp: ExpectedShares, ev: Evaluation, keys: number): Finding {
  const a = backend.algorithm;
  const what = a.source ? `\`${a.source.replace(/;$/, '')}\`` : `\`balance ${a.value}\``;
  return {
    severity: 'info',
    title: `${what}${a.line ? ` (line ${a.line})` : ''} places by a hash of a key: ${formatCounts(ev.metrics.counts)} over ${keys} distinct keys, reported against the weights (Jain ${ev.stats.jain.toFixed(3)}), not judged by them`,
    detail:
      `A hash spreads keys, not connections: each key's server is fixed, so the shares follow the weights only on average over many distinct keys, and a consistent hash ring gives each server a share that differs from its weight by design. ` +
      `What a hash promises is judged instead: the same key returns to the same server (source affinity), and every server with weight gets keys. Expected shares from ${exp.basis}.`,
    line: a.line,
  };
}

/**
 * A hash over many distinct keys left a server with weight empty: not the variance of a hash (the chance is nil),
 * but a server that takes no new connections.
 */
export function hashServerEmpty(
  file: string,
  backend: BackendFacts,
  exp: ExpectedShares,
  counts: Counts,
  keys: number,
): Finding | undefined {
  const empty = Object.entries(exp.shares)
    .filter(([n, s]) => s > 0 && (counts[n] ?? 0) === 0)
    .map(([n]) => n);
  if (empty.length === 0 || keys < minimumKeys(exp)) return undefined;
  const server = backend.servers.find((s) => s.node === empty[0]);
  return {
    severity: 'error',
    title: `${empty.join(', ')} got none of ${keys} distinct keys although ${empty.length > 1 ? 'they carry' : 'it carries'} weight: ${formatCounts(counts)}`,
    detail: `A hash over ${keys} keys leaves a server with a share of ${((exp.shares[empty[0]!] ?? 0) * 100).toFixed(0)} % empty with a probability near 0: the balancer is not sending new connections to it. Expected shares from ${exp.basis}.`,
    file,
    line: server?.line ?? backend.algorithm.line,
    remedy: 'Check that the server is UP in the balancer and reachable on its address, and that its weight is not 0.',
  };
}

/** Distinct keys needed before an empty server means something: 5 per server with a share. */
export function minimumKeys(exp: ExpectedShares): number {
  return 5 * Object.values(exp.shares).filter((s) => s > 0).length;
}

/** Distinct hash keys among `clients` clients: source addresses for `source`, client ids (one each) otherwise. */
export function distinctKeys(algorithm: string, clients: number, sourceAddresses: number): number {
  return algorithm === 'source' ? Math.min(clients, sourceAddresses) : clients;
}
