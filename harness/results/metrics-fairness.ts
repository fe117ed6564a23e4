/** summary.json `metrics.fairness`: per scenario, the observed spread against the expected shares and its statistics. */
import { z } from 'zod';
import { suiteMetrics } from './metrics-connect-phases.js';

/** One fairness scenario; scenario-specific context keys are kept beside these. */
export const FairnessMetrics = z.looseObject({
  algorithm: z.string(),
  clients: z.number(),
  /** Observed live connections per node (ground truth: node API). */
  counts: z.record(z.string(), z.number()),
  /** Expected share per node, summing to 1 (derived from algorithm, weights, UP servers). */
  expectedShares: z.record(z.string(), z.number()),
  /** The balancer's own per-server counters, for the cross-check. */
  balancerCounts: z.record(z.string(), z.number()).optional(),
  jain: z.number(),
  cv: z.number(),
  maxMean: z.number(),
  chi2: z.number(),
  pValue: z.number(),
  verdict: z.string().optional(),
});
export type FairnessMetrics = z.infer<typeof FairnessMetrics>;

/** metrics.fairness = { scenarios: { [scenario]: FairnessMetrics }, connect_phases } */
export const FairnessSuiteMetrics = suiteMetrics({ scenarios: z.record(z.string(), FairnessMetrics) });
export type FairnessSuiteMetrics = z.infer<typeof FairnessSuiteMetrics>;
