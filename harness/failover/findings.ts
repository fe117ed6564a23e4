/**
 * Failover findings that are not verdicts: the wills of a graceful stop, the reload's figures, and the
 * explanation attached to a hung node's reconnect verdict.
 */
import type { Finding } from '../report/summary-types.js';
import type { NodeName } from '../types.js';
import type { BalancerFacts } from '../facts.js';
import { remediesOf } from '../balancer/kinds.js';

/** How many wills the stopped node's clients left, and whether the backend documents them. */
export function willsFinding(
  brokerKind: string,
  target: NodeName,
  wills: number,
  affected: number,
  all: boolean,
): Finding {
  return {
    severity: 'info',
    title: `${wills} will(s) published for ${affected} clients of the stopped ${target}`,
    detail: all
      ? `${brokerKind}: a graceful stop closes every client's socket before the broker shuts down, so each Will is published`
      : `${brokerKind}: Wills on a graceful stop are not documented; reported, not asserted`,
  };
}

export interface ReloadFigures {
  reloadMs: number;
  dropped: number;
  established: number;
  failed: number;
  attempted: number;
}

/** The reload's figures, in one line. */
export function reloadFinding(r: ReloadFigures): Finding {
  return {
    severity: 'info',
    title:
      `reload took ${r.reloadMs} ms; ${r.dropped} of ${r.established} established connections dropped; ` +
      `${r.failed} of ${r.attempted} new connections failed`,
  };
}

/** A reload that closed established connections or refused new ones; undefined when it was seamless. */
export function reloadNotSeamless(r: ReloadFigures): Finding | undefined {
  if (!r.dropped && !r.failed) return undefined;
  return {
    severity: 'error',
    title: 'the balancer reload was not seamless',
    detail: `${r.dropped} established connection(s) closed, ${r.failed} new connection(s) failed`,
  };
}

/** Why the clients of a hung node take as long as they do to be back (the reconnect verdict's explanation). */
export function hungReconnectWhy(check: string, connectTimeout: string, algorithmNote: string): string {
  return (
    `${check}; new connections the balancer sends to the hung node get no CONNACK ` +
    `(client connect timeout ${connectTimeout})${algorithmNote ? `; ${algorithmNote}` : ''}`
  );
}

/** The balancer-kill figures: how long the balancer and its clients were without service. */
export function balancerKillFinding(
  o: { balancerMs: number; clients: { p50: number | null; max: number | null } },
  attempts: string,
  reconnectPeriodMs: number,
): Finding {
  const s = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);
  return {
    severity: 'info',
    title: `balancer killed: down ${s(o.balancerMs)}; clients without service p50 ${s(o.clients.p50)}, max ${s(o.clients.max)}`,
    detail: `Every client's connection went with the balancer process; they retried every ${reconnectPeriodMs} ms (${attempts}). A supervisor that restarts the balancer at once (systemd Restart=always, a container restart policy) bounds the outage; the clients' retry period adds up to one period.`,
  };
}

/**
 * The placement a rolling restart left behind: clients per node before and after, with the algorithm's line and the
 * remedy when the spread grew (max − min above a quarter of the mean); info otherwise.
 */
export function imbalanceFinding(
  facts: BalancerFacts,
  before: Record<string, number>,
  after: Record<string, number>,
): Finding {
  const values = Object.values(after);
  const total = values.reduce((a, b) => a + b, 0);
  const mean = total / Math.max(1, values.length);
  const gap = Math.max(...values) - Math.min(...values);
  const skewed = values.length > 1 && gap > Math.max(2, mean / 4);
  const algo = facts.mqttBackend.algorithm;
  const title = `placement after the rolling restart: ${JSON.stringify(after)} (before: ${JSON.stringify(before)})`;
  if (!skewed) return { severity: 'info', title };
  return {
    severity: 'warning',
    title: `${title}: ${gap} clients between the fullest and the emptiest node`,
    detail: `\`balance ${algo.value}\`${algo.line ? ` (line ${algo.line})` : ''} placed the clients of each stopped node when they reconnected; the balancer never moves established connections, so the node restarted last keeps few clients until they reconnect for another reason.`,
    ...(facts.file ? { file: facts.file } : {}),
    ...(algo.line !== undefined ? { line: algo.line } : {}),
    remedy: remediesOf(facts.kind).rebalance,
  };
}

/** Connects that reached a node while it was being stopped, before the balancer took it out; undefined when none. */
export function landedOnStopping(
  facts: BalancerFacts,
  node: NodeName,
  stalled: number,
  connectTimeoutMs: number,
): Finding | undefined {
  if (!stalled) return undefined;
  return {
    severity: 'warning',
    title: `${stalled} reconnect(s) reached ${node} while it was being stopped and waited ${connectTimeoutMs / 1000} s for a CONNACK that never came`,
    detail:
      'The balancer kept the node in rotation until its health check failed, so clients leaving it were sent back to it.',
    remedy: remediesOf(facts.kind).drain,
  };
}
