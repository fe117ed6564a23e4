/**
 * The knee of a ramp, from its steps alone: where errors start (the concurrent connections held then: the plateau)
 * and where the connect latency's p99 jumps (a step's CONNACK p99 above `jump` × the calmest of the first three
 * steps' and above a floor); for the rate ramp, the highest rate that was still accepted in full and the first one that was not.
 */
import type { RampStep } from './ramp.js';
import { SATURATED, type RateStep } from './rate-ramp.js';

export interface ConnectionsKnee {
  /** The most concurrent connections held at any step. */
  plateau: number;
  /** First step (1-based) with failed or dropped connections; undefined: none. */
  errorStep?: number;
  /** Connections held when errors started (the plateau, as later steps cannot add more). */
  errorsAt?: number;
  /** First step whose CONNACK p99 jumped; undefined: none. */
  latencyStep?: number;
  /** Connections held before the latency jump (the last calm step). */
  latencyAt?: number;
  baselineP99Ms: number | null;
}

export function connectionsKnee(steps: readonly RampStep[], jump: number, floorMs: number): ConnectionsKnee {
  const plateau = Math.max(0, ...steps.map((s) => s.connected));
  // The calmest of the first three steps: one slow first step (a cold start on a busy machine) is not the baseline.
  const early = steps
    .slice(0, 3)
    .map((s) => s.connack_p99_ms)
    .filter((v): v is number => v !== null);
  const baseline = early.length ? Math.min(...early) : null;
  const errorIdx = steps.findIndex((s) => s.failed + s.dropped > 0);
  const latencyIdx =
    baseline === null
      ? -1
      : steps.findIndex((s) => s.connack_p99_ms !== null && s.connack_p99_ms > Math.max(jump * baseline, floorMs));
  return {
    plateau,
    ...(errorIdx >= 0 ? { errorStep: errorIdx + 1, errorsAt: plateau } : {}),
    ...(latencyIdx >= 0 ? { latencyStep: latencyIdx + 1, latencyAt: steps[latencyIdx - 1]?.connected ?? 0 } : {}),
    baselineP99Ms: baseline,
  };
}

export interface RateKnee {
  /** Highest asked rate accepted in full (no failures, ready ≥ 80 % of asked). */
  sustainedRate?: number;
  /** Ready connections per second at that rate. */
  sustainedReadyPerS?: number;
  /** The first rate that was not, with what it got. */
  kneeRate?: number;
  kneeReadyPerS?: number;
  /** The engine itself could not attempt at the asked rate (client-side limit, not the balancer's). */
  engineBound: boolean;
}

export function rateKnee(steps: readonly RateStep[], errorRatio: number): RateKnee {
  const ok = (s: RateStep): boolean => s.failed <= errorRatio * s.clients && s.readyPerS >= SATURATED * s.rate;
  const firstBad = steps.findIndex((s) => !ok(s));
  const good = firstBad < 0 ? steps : steps.slice(0, firstBad);
  const last = good.at(-1);
  const bad = firstBad >= 0 ? steps[firstBad] : undefined;
  return {
    ...(last ? { sustainedRate: last.rate, sustainedReadyPerS: last.readyPerS } : {}),
    ...(bad ? { kneeRate: bad.rate, kneeReadyPerS: bad.readyPerS } : {}),
    engineBound: bad !== undefined && bad.attemptsPerS < SATURATED * bad.rate,
  };
}
