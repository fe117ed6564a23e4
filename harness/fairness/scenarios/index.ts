/**
 * The fairness scenarios, grouped as the suite reports them (spread, affinity, dynamics).
 */
import type { FairnessScenarioDef } from './context.js';
import { staticSpread } from './spread.js';
import { weights } from './weights.js';
import { sourceAffinity } from './affinity.js';
import { clientIdStickiness } from './stickiness.js';
import { churn } from './churn.js';
import { rebalance } from './rebalance.js';

export { fairnessBegin } from './context.js';

export const FAIRNESS_SCENARIOS: Record<string, FairnessScenarioDef[]> = {
  spread: [staticSpread, weights],
  affinity: [sourceAffinity, clientIdStickiness],
  dynamics: [churn, rebalance],
};
