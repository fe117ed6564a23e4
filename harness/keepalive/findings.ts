/**
 * Findings of the dynamic keepalive check: which idle clients were cut, when, and what in the config
 * explains it.
 */
import type { Located } from '../facts.js';
import type { Finding } from '../report/summary-types.js';
import type { Cut } from './idle-watch.js';
import type { IdlePlan } from './plan.js';

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function idleCuts(
  cuts: readonly Cut[],
  total: number,
  plan: IdlePlan,
  effective: Located<number> | undefined,
  file: string | undefined,
): Finding {
  const times = cuts.map((c) => c.afterMs).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const [lo, hi] = [secs(times[0]!), secs(times.at(-1)!)];
  const span = lo === hi ? lo : `${lo.replace(' s', '')}–${hi}`;
  const nodes = [...new Set(cuts.map((c) => c.node).filter(Boolean))];
  const matchesTimeout =
    effective !== undefined && Math.abs(median - effective.value) <= Math.max(1500, 0.1 * effective.value);
  const why = matchesTimeout
    ? `That matches ${effective.source ? `\`${effective.source}\`` : `the ${secs(effective.value)} idle timeout`}${effective.line ? ` (line ${effective.line})` : ''}: the balancer closed them after ${secs(effective.value)} of silence, ${effective.value < plan.keepaliveS * 1000 ? 'before their first PINGREQ' : 'between two PINGREQs'}.`
    : `The effective idle timeout is ${effective ? secs(effective.value) : 'none'}, so something else closed them: the broker's keepalive check (after 1.5 × ${plan.keepaliveS} s without a PINGREQ), a node failure, or a timeout outside the config.`;
  return {
    severity: 'error',
    title: `${cuts.length} of ${total} idle clients (keepalive ${plan.keepaliveS} s) were disconnected after ${span}`,
    detail: `${why}${nodes.length ? ` Nodes: ${nodes.join(', ')}.` : ''}`,
    file,
    line: matchesTimeout ? effective.line : undefined,
    remedy: matchesTimeout
      ? `Raise the idle timeout to at least 1.5 × the largest client keepalive (≥ ${secs(1.5 * plan.keepaliveS * 1000)} for these clients; production configs commonly use 300 s or more), or lower the clients' keepalive.`
      : 'Check the broker and balancer logs around the disconnects.',
  };
}

export function idleSurvived(total: number, plan: IdlePlan, idledMs: number): Finding {
  return {
    severity: 'info',
    title: `All ${total} idle clients (keepalive ${plan.keepaliveS} s) stayed connected for ${secs(idledMs)} through the balancer, and each got a PUBACK afterwards`,
    detail: [
      `Idle wait: ${secs(plan.targetMs)} (${plan.targetMs === 1.5 * plan.keepaliveS * 1000 ? '1.5 × keepalive' : 'the effective idle timeout'}) plus a margin.`,
      ...plan.notes.map((n) => `Note: ${n}.`),
    ].join(' '),
  };
}
