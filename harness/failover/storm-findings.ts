/**
 * Findings of the reconnect storm: per reconnect policy its figures, or the limit that kept clients out (named with
 * its config line through the capacity suite's limit naming: per-server/frontend/global `maxconn`, `rate-limit
 * sessions`, open-files and source-port limits), and fixed period vs jittered backoff side by side.
 */
import type { Deployment } from '../types.js';
import type { Finding } from '../report/summary-types.js';
import {
  capacityLimits,
  firstLimitReached,
  queueBehaviour,
  rateLimit,
  whereOf,
  type CapacityLimit,
} from '../capacity/limits.js';
import type { StormFigures } from './storm-run.js';
import type { StormSettings } from './storm-settings.js';
import { seconds } from './check-facts.js';

const JITTER_REMEDY =
  "Clients: reconnect with exponential backoff and full jitter (MQTT.js has a fixed `reconnectPeriod`: set `client.options.reconnectPeriod` to a random, growing value in its 'close' handler), so a reset fleet does not come back in lock-step.";

/** The limit that explains `plateau` of `wanted` clients, from the deployment's facts and the engine's errors. */
export function stormLimit(d: Deployment, f: StormFigures, plateau: number): CapacityLimit | undefined {
  const limits = capacityLimits({
    ...(d.balancerFacts ? { facts: d.balancerFacts } : {}),
    ...(d.balancer.machineFit ? { machineFit: d.balancer.machineFit } : {}),
    engine: f.engine.limits,
    sourceAddresses: f.engine.sourceAddresses,
    nodes: d.nodes.length,
  });
  return firstLimitReached(limits, plateau, f.clients, f.errors) ?? rateLimit(d.balancerFacts);
}

function errorList(f: StormFigures): string {
  const e = Object.entries(f.errors).filter(([, n]) => n > 0);
  return e.length ? e.map(([k, n]) => `${n} × ${k}`).join(', ') : 'no errors';
}

function limitFinding(d: Deployment, f: StormFigures, title: string, plateau: number): Finding {
  const limit = stormLimit(d, f, plateau);
  const queue = limit?.kind === 'server-maxconn' ? queueBehaviour(d.balancerFacts) : '';
  if (!limit)
    return {
      severity: 'error',
      title: `${title}; no configured limit explains it`,
      detail: `Client errors: ${errorList(f)}. No \`maxconn\`, \`rate-limit sessions\`, open-files or source-port limit matches ${plateau} connections: the machine (CPU shared by the engine, balancer and nodes) or the nodes' own listener limits.`,
      remedy: JITTER_REMEDY,
    };
  return {
    severity: 'error',
    title: `${title}: ${limit.what} = ${limit.slots}${limit.kind === 'rate-limit-sessions' ? ' connects/s' : ' connection slots'}`,
    detail: `The limit that bit: ${whereOf(limit)}${limit.file ? ` (${limit.file})` : ''}.${queue ? ` ${queue}.` : ''} Client errors: ${errorList(f)}.${limit.note ? ` Note: ${limit.note}.` : ''}`,
    ...(limit.file ? { file: limit.file } : {}),
    ...(limit.line !== undefined ? { line: limit.line } : {}),
    remedy: limit.remedy,
  };
}

/** The verdict of one policy's storm: its figures, or the limit that kept clients out (an error and a problem). */
export function judgeStormRun(
  d: Deployment,
  f: StormFigures,
  st: StormSettings,
): { findings: Finding[]; problems: string[] } {
  if (f.connectedBefore < f.clients) {
    const title = `storm (${f.policy}): only ${f.connectedBefore} of ${f.clients} clients could connect before the reset`;
    return { findings: [limitFinding(d, f, title, f.connectedBefore)], problems: [title] };
  }
  if (f.recoveredMs === null) {
    const title = `storm (${f.policy}): ${f.back} of ${f.clients} clients back ${seconds(st.recoverMs)} after the balancer was reset (${f.description})`;
    return { findings: [limitFinding(d, f, title, f.peakAfterReset)], problems: [title] };
  }
  return {
    findings: [
      {
        severity: 'info',
        title: `storm (${f.policy}): all ${f.clients} clients back ${seconds(f.recoveredMs)} after the reset (balancer answering after ${seconds(f.balancerBackMs ?? 0)}); ${f.attempts} connect attempts, ${f.refused} refused (peak ${f.peakRefusedPerS}/s), ${f.timeouts} timed out, peak ${f.peakAttemptsPerS} attempts/s`,
        detail: `${f.description}; client errors: ${errorList(f)}`,
      },
    ],
    problems: [],
  };
}

/** Fixed period vs jittered backoff side by side, once both came back; undefined otherwise. */
export function policyComparison(fixed: StormFigures, jittered: StormFigures): Finding | undefined {
  if (fixed.recoveredMs === null || jittered.recoveredMs === null) return undefined;
  const lockStep = fixed.peakAttemptsPerS > jittered.peakAttemptsPerS * 1.5;
  return {
    severity: 'info',
    title: `reconnect storm of ${fixed.clients} clients: fixed period back in ${seconds(fixed.recoveredMs)} (peak ${fixed.peakAttemptsPerS} attempts/s, ${fixed.refused} refused), jittered backoff in ${seconds(jittered.recoveredMs)} (peak ${jittered.peakAttemptsPerS} attempts/s, ${jittered.refused} refused)`,
    detail: `${fixed.description} vs ${jittered.description}. ${lockStep ? 'The fixed period makes every client retry in the same instant: the balancer and the nodes take the whole fleet at once.' : 'At this size the balancer and the nodes absorbed the lock-step retries.'} Jitter trades a slower median for a flatter peak.`,
    ...(lockStep ? { remedy: JITTER_REMEDY } : {}),
  };
}

/** A configured new-session rate limit: how long a storm of `clients` needs at least to be back. */
export function rateLimitNote(d: Deployment, clients: number): Finding | undefined {
  const r = rateLimit(d.balancerFacts);
  if (!r) return undefined;
  return {
    severity: 'info',
    title: `${r.what}: a storm of ${clients} clients needs at least ${seconds((clients / r.slots) * 1000)} to be back`,
    detail: `${whereOf(r)}`,
    ...(r.file ? { file: r.file } : {}),
    ...(r.line !== undefined ? { line: r.line } : {}),
    remedy: r.remedy,
  };
}
