/**
 * The capacity suite's findings: the knee of each ramp and the first limit reached, named with its line (or the
 * machine source) and the remedy; severity error only below the profile's `min_connections` / `min_connect_rate`.
 */
import type { Finding } from '../report/summary-types.js';
import { ERROR_MEANING, type ErrorClass } from '../load/errors.js';
import { firstLimitReached, nextLimit, queueBehaviour, whereOf, type CapacityLimit } from './limits.js';
import type { ConnectionsKnee, RateKnee } from './knee.js';
import type { RampResult } from './ramp.js';
import type { BalancerFacts } from '../facts.js';

export function describeErrors(counts: Partial<Record<ErrorClass, number>>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n)
    .sort((a, b) => b[1]! - a[1]!)
    .map(([k, n]) => `${n} × ${k} (${ERROR_MEANING[k as ErrorClass]})`);
  return parts.length ? parts.join('; ') : 'none';
}

export interface ConnectionsVerdict {
  findings: Finding[];
  limit?: CapacityLimit;
}

function limitFields(l: CapacityLimit): Pick<Finding, 'file' | 'line' | 'remedy'> {
  return { ...(l.file ? { file: l.file } : {}), ...(l.line !== undefined ? { line: l.line } : {}), remedy: l.remedy };
}

export function connectionsFindings(
  ramp: RampResult,
  knee: ConnectionsKnee,
  limits: readonly CapacityLimit[],
  o: { target: number; connectRate: number; minConnections: number; facts?: BalancerFacts },
): ConnectionsVerdict {
  const findings: Finding[] = [];
  const short = o.minConnections > 0 && knee.plateau < o.minConnections;
  const severity = short ? 'error' : 'warning';
  const limit = firstLimitReached(limits, knee.plateau, o.target, ramp.errors);
  const need = short ? ` — the profile needs ${o.minConnections} (thresholds.capacity.min_connections)` : '';
  // Only per-server limits queue in the balancer; above frontend/global maxconn connects wait in the kernel backlog.
  const queue = limit?.kind === 'server-maxconn' ? queueBehaviour(o.facts) : '';
  const errors = `Errors: ${describeErrors(ramp.errors)}.`;
  if (limit) {
    findings.push({
      severity,
      title: `Knee at ${knee.plateau} concurrent connections (ramped at ${o.connectRate}/s): first limit reached is ${limit.what} = ${limit.slots} connections (${whereOf(limit)})${need}`,
      detail: [
        `The ramp ended by ${ramp.end} after ${ramp.steps.length} steps (target ${o.target}).`,
        errors,
        queue ? `Beyond the limit: ${queue}.` : '',
        limit.note ? `Note: ${limit.note}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
      ...limitFields(limit),
    });
  } else if (knee.plateau < o.target && ramp.end === 'budget' && knee.errorStep === undefined) {
    findings.push({
      severity: short ? 'error' : 'info',
      title: `The ramp's time budget ended at ${knee.plateau} concurrent connections without errors, before the target ${o.target}${need}`,
      detail: `${ramp.steps.length} steps at ${o.connectRate}/s.`,
      remedy: 'Raise thresholds.capacity.max_duration_s or connect_rate to reach the target.',
    });
  } else if (knee.plateau < o.target) {
    const near = limits.slice(0, 3).map((l) => `${l.what} = ${l.slots} (${whereOf(l)})`);
    findings.push({
      severity,
      title: `Knee at ${knee.plateau} concurrent connections (ramped at ${o.connectRate}/s, target ${o.target}): no known limit explains it${need}`,
      detail: `The ramp ended by ${ramp.end}. ${errors} Known limits: ${near.join('; ') || 'none'}.${ramp.limitsHit.length ? ` Engine: ${ramp.limitsHit.join('; ')}.` : ''}`,
      remedy:
        'Look at the error classes: timeouts with the balancer below its limits point at the machine (CPU) or the nodes; refusals at a listener backlog.',
    });
  } else {
    const ahead = nextLimit(limits, knee.plateau);
    findings.push({
      severity: short ? 'error' : 'info',
      title: `Held ${knee.plateau} concurrent connections, the profile's target ${o.target}${ahead ? `; the next limit ahead is ${ahead.what} = ${ahead.slots} (${whereOf(ahead)})` : ''}${need}`,
      ...(ahead?.file ? { file: ahead.file } : {}),
      ...(ahead?.line !== undefined ? { line: ahead.line } : {}),
    });
  }
  if (knee.latencyStep !== undefined) {
    const s = ramp.steps[knee.latencyStep - 1]!;
    findings.push({
      severity: 'info',
      title: `Connect latency knee: CONNACK p99 ${s.connack_p99_ms} ms at step ${s.step} (${s.attempted} attempted), ${knee.baselineP99Ms} ms at the first step; ${knee.latencyAt} connections were held before it`,
    });
  }
  return { findings, ...(limit ? { limit } : {}) };
}

export function rateFindings(
  knee: RateKnee,
  rateLimit: CapacityLimit | undefined,
  o: { minConnectRate: number; lastRate: number; cpus: number },
): Finding[] {
  const sustained = knee.sustainedReadyPerS ?? 0;
  const short = o.minConnectRate > 0 && sustained < o.minConnectRate;
  const need = short ? ` — the profile needs ${o.minConnectRate}/s (thresholds.capacity.min_connect_rate)` : '';
  const severity = short ? 'error' : 'warning';
  const held = knee.sustainedRate
    ? `accepted in full up to ${knee.sustainedRate}/s asked (${knee.sustainedReadyPerS} ready/s)`
    : 'not even the first rate was accepted in full';
  if (knee.kneeRate === undefined)
    return [
      {
        severity: short ? 'error' : 'info',
        title: `Connect rate: ${held}; the last rate (${o.lastRate}/s) was not a knee${rateLimit ? `; ${rateLimit.what} (${whereOf(rateLimit)}) is ahead` : ''}${need}`,
        ...(rateLimit ? limitFields(rateLimit) : {}),
      },
    ];
  const at = `at ${knee.kneeRate}/s asked only ${knee.kneeReadyPerS} got ready per second`;
  if (rateLimit && knee.kneeRate > rateLimit.slots * 0.9)
    return [
      {
        severity,
        title: `Connect-rate knee: ${held}; ${at} — first limit reached is ${rateLimit.what} (${whereOf(rateLimit)})${need}`,
        ...limitFields(rateLimit),
      },
    ];
  if (knee.engineBound)
    return [
      {
        severity: short ? 'error' : 'info',
        title: `Connect rate: ${held}; ${at}, but the engine itself could not attempt faster (the test process's CPU), so the balancer was not the limit${need}`,
      },
    ];
  return [
    {
      severity,
      title: `Connect-rate knee: ${held}; ${at} — no configured rate limit: the CPU of this machine (${o.cpus} cores shared by engine, balancer and nodes)${need}`,
      remedy:
        'Measure on the production machine size; a configured `rate-limit sessions` would show here with its line.',
    },
  ];
}
