/**
 * Failover findings that are not verdicts: the wills of a graceful stop, the reload's figures, and the
 * explanation attached to a hung node's reconnect verdict.
 */
import type { Finding } from '../report/summary-types.js';
import type { NodeName } from '../types.js';

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
