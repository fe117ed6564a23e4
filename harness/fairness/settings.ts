/**
 * The fairness suite's parameters and thresholds, from the profile's `thresholds.fairness` (all optional):
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
 *   rebalance_new_clients: 75  clients connected after it is back
 *   rebalance_observe_s: 3     how long the remaining imbalance is watched
 *   rebalance_jain_min:        optional: fail the rebalance scenario below this Jain index
 */
import { MAX_SOURCE_ADDRESSES } from './connect.js';
import type { Criteria } from './evaluate.js';

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

type Threshold = <T>(key: string, fallback: T) => T;

function num(threshold: Threshold, key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = threshold<unknown>(key, fallback);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new Error(`thresholds.fairness.${key}: expected a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

export function fairnessSettings(threshold: Threshold): FairnessSettings {
  const lifetime = threshold<unknown>('churn_lifetime_ms', [300, 3000]);
  if (
    !Array.isArray(lifetime) ||
    lifetime.length !== 2 ||
    !lifetime.every((x) => typeof x === 'number' && x > 0) ||
    lifetime[0] > lifetime[1]
  ) {
    throw new Error(
      `thresholds.fairness.churn_lifetime_ms: expected [min, max] in ms, got ${JSON.stringify(lifetime)}`,
    );
  }
  const rebalanceJain = threshold<unknown>('rebalance_jain_min', undefined);
  if (rebalanceJain !== undefined && (typeof rebalanceJain !== 'number' || rebalanceJain <= 0 || rebalanceJain > 1))
    throw new Error(
      `thresholds.fairness.rebalance_jain_min: expected a number in (0, 1], got ${JSON.stringify(rebalanceJain)}`,
    );
  const rebalanceClients = num(threshold, 'rebalance_clients', 150, 3, 2000);
  return {
    clients: num(threshold, 'clients', 300, 3, 5000),
    concurrency: num(threshold, 'concurrency', 20, 1, 200),
    criteria: { jainMin: num(threshold, 'jain_min', 0.98, 0, 1), pMin: num(threshold, 'p_min', 0.001, 0, 1) },
    intendedShares: threshold<unknown>('intended_shares', undefined),
    sourceAddresses: num(threshold, 'source_addresses', 250, 1, MAX_SOURCE_ADDRESSES),
    affinityRounds: num(threshold, 'affinity_rounds', 3, 2, 20),
    stickinessIds: num(threshold, 'stickiness_ids', 30, 3, 500),
    churn: {
      durationMs: num(threshold, 'churn_s', 8, 1, 120) * 1000,
      clients: num(threshold, 'churn_clients', 90, 3, 2000),
      lifetimeMs: lifetime as [number, number],
    },
    rebalance: {
      clients: rebalanceClients,
      newClients: num(threshold, 'rebalance_new_clients', Math.round(rebalanceClients / 2), 1, 2000),
      observeMs: num(threshold, 'rebalance_observe_s', 3, 0, 120) * 1000,
      jainMin: rebalanceJain as number | undefined,
    },
  };
}
