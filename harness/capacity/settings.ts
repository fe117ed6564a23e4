/**
 * The capacity suite's parameters (profile `thresholds.capacity`, all optional), one zod schema referenced from the
 * profile schema so a typo is refused at its file:line:
 *
 *   target: 2000            concurrent connections the ramp pushes towards (it stops earlier at refusals/errors)
 *   step:                   connections added per step (default: target / 20, at least 10)
 *   connect_rate: 500       connects per second while ramping connections
 *   min_connections: 0      the config must hold at least this many (0: report the knee only, never fail on it)
 *   error_ratio: 0.02       a step whose failed share exceeds this ends the ramp
 *   p99_jump: 5             a step's CONNACK p99 above this × the calmest early step's (and above p99_floor_ms) is a knee
 *   p99_floor_ms: 50
 *   rate_from: 100          the connect-rate ramp: rates rate_from, × rate_factor, … up to rate_to
 *   rate_to: 1600
 *   rate_factor: 2
 *   rate_step_s: 2          seconds of connects per rate step (connections are closed after each step)
 *   min_connect_rate: 0     the config must accept at least this many connects/s (0: report only)
 *   phase_timeout_s: 10     per connection: open → CONNACK within this
 *   max_duration_s: 240     bound on each of the two ramps (the test's timeout is this + 60 s)
 */
import { z } from 'zod';

const positive = z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });
const count = z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' });

export const capacitySchema = z
  .object({
    target: count.min(1).max(50_000).default(2000),
    step: count.min(1).optional(),
    connect_rate: positive.default(500),
    min_connections: count.min(0).default(0),
    error_ratio: z.number().min(0).max(1).default(0.02),
    p99_jump: positive.default(5),
    p99_floor_ms: positive.default(50),
    rate_from: positive.default(100),
    rate_to: positive.default(1600),
    rate_factor: z.number().gt(1, { error: 'expected a number above 1' }).default(2),
    rate_step_s: positive.default(2),
    min_connect_rate: z.number().min(0).default(0),
    phase_timeout_s: positive.default(10),
    max_duration_s: positive.default(240),
  })
  .strict();

export type CapacityThresholds = z.output<typeof capacitySchema>;

/** Connections per step of the connections ramp. */
export function stepSize(t: CapacityThresholds): number {
  return t.step ?? Math.max(10, Math.round(t.target / 20));
}

/** The rates of the connect-rate ramp, ascending, bounded (at most 12 steps). */
export function rateSteps(t: CapacityThresholds): number[] {
  const out: number[] = [];
  for (let r = t.rate_from; r <= t.rate_to * 1.0001 && out.length < 12; r *= t.rate_factor) out.push(Math.round(r));
  return out;
}
