/**
 * The fairness suite's parameters and thresholds: `thresholds.fairness` in the profile (all optional), one zod
 * schema referenced from the profile schema so a typo is refused at its file:line.
 *
 *   clients: 300               clients per spread scenario
 *   concurrency: 20            connects in flight
 *   jain_min: 0.98             Jain's index (on counts normalised by the expected shares) to pass
 *   p_min: 0.001               χ² goodness-of-fit p-value to pass
 *   intended_shares: even      what the operator means the config to do ("even" or { node1: 1, … })
 *   source_addresses: 250      distinct client source addresses (127.0.2.x); 1 = everyone behind one NAT
 *   affinity_rounds: 3         reconnects per source / per client id
 *   stickiness_ids: 30         client ids in the client-id stickiness scenario
 *   churn_s: 8                 churn duration
 *   churn_clients: 90          live population during churn
 *   churn_lifetime_ms: [300, 3000]
 *   rebalance_clients: 150     clients before the node is killed
 *   rebalance_new_clients: 75  clients connected after it is back (default: half of rebalance_clients)
 *   rebalance_observe_s: 3     how long the remaining imbalance is watched
 *   rebalance_jain_min:        optional: fail the rebalance scenario below this Jain index
 */
import { z } from 'zod';
import { MAX_SOURCE_ADDRESSES } from './connect.js';
import type { Criteria } from './evaluate.js';
import { parseThresholds } from '../suite/threshold-parse.js';

export interface FairnessSettings {
  clients: number;
  concurrency: number;
  criteria: Criteria;
  intendedShares: unknown;
  sourceAddresses: number;
  affinityRounds: number;
  stickinessIds: number;
  churn: { durationMs: number; clients: number; lifetimeMs: [number, number] };
  rebalance: { clients: number; newClients: number; observeMs: number; jainMin?: number };
}

const inRange = (min: number, max: number) => {
  const error = `: expected a number in [${min}, ${max}]`;
  return z.number({ error }).min(min, { error }).max(max, { error });
};

/** `thresholds.fairness` as written in the profile (snake_case), with the defaults. */
export const fairnessSchema = z
  .object({
    clients: inRange(3, 5000).default(300),
    concurrency: inRange(1, 200).default(20),
    jain_min: inRange(0, 1).default(0.98),
    p_min: inRange(0, 1).default(0.001),
    intended_shares: z
      .union([z.literal('even'), z.record(z.string(), z.number().min(0))], {
        error: ': expected "even" or { node1: <share>, … }',
      })
      .optional(),
    source_addresses: inRange(1, MAX_SOURCE_ADDRESSES).default(250),
    affinity_rounds: inRange(2, 20).default(3),
    stickiness_ids: inRange(3, 500).default(30),
    churn_s: inRange(1, 120).default(8),
    churn_clients: inRange(3, 2000).default(90),
    churn_lifetime_ms: z
      .tuple([z.number().positive(), z.number().positive()], { error: ': expected [min, max] in ms' })
      .refine(([a, b]) => a <= b, { error: ': expected [min, max] in ms (min ≤ max)' })
      .default([300, 3000]),
    rebalance_clients: inRange(3, 2000).default(150),
    rebalance_new_clients: inRange(1, 2000).optional(),
    rebalance_observe_s: inRange(0, 120).default(3),
    rebalance_jain_min: z
      .number({ error: ': expected a number in (0, 1]' })
      .gt(0, { error: ': expected a number in (0, 1]' })
      .max(1, { error: ': expected a number in (0, 1]' })
      .optional(),
  })
  .strict();

export type FairnessThresholds = z.output<typeof fairnessSchema>;

type Threshold = <T>(key: string, fallback: T) => T;

/**
 * The suite's settings from `thresholds.fairness`: either the section itself (raw or schema-parsed) or, as before,
 * a `(key, fallback) => value` reader such as `h.threshold`. Wrong values are refused naming the key.
 */
export function fairnessSettings(source: Threshold | Record<string, unknown> | undefined): FairnessSettings {
  let raw: Record<string, unknown> | undefined;
  if (typeof source === 'function') {
    raw = {};
    for (const key of Object.keys(fairnessSchema.shape)) {
      const v = source<unknown>(key, undefined);
      if (v !== undefined) raw[key] = v;
    }
  } else raw = source;
  const t = parseThresholds('fairness', fairnessSchema, raw);
  return {
    clients: t.clients,
    concurrency: t.concurrency,
    criteria: { jainMin: t.jain_min, pMin: t.p_min },
    intendedShares: t.intended_shares,
    sourceAddresses: t.source_addresses,
    affinityRounds: t.affinity_rounds,
    stickinessIds: t.stickiness_ids,
    churn: { durationMs: t.churn_s * 1000, clients: t.churn_clients, lifetimeMs: t.churn_lifetime_ms },
    rebalance: {
      clients: t.rebalance_clients,
      newClients: t.rebalance_new_clients ?? Math.round(t.rebalance_clients / 2),
      observeMs: t.rebalance_observe_s * 1000,
      jainMin: t.rebalance_jain_min,
    },
  };
}
