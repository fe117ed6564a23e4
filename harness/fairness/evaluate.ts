/**
 * One scenario's verdict: the metrics of the observed counts against the expected shares, judged by
 * the profile's thresholds (`thresholds.fairness.jain_min`, `p_min`), in the report's metric shape.
 */
import type { FairnessMetrics } from '../report/summary-types.js';
import { fairnessStats, type Counts, type FairnessStats, type Shares } from './stats.js';

export interface Criteria {
  /** Jain's index (on counts normalised by the expected shares) must reach this. */
  jainMin: number;
  /** The χ² goodness-of-fit p-value must reach this (small = the counts do not fit the shares). */
  pMin: number;
}

export const DEFAULT_CRITERIA: Criteria = { jainMin: 0.98, pMin: 0.001 };

/** FairnessMetrics plus scenario-specific context (extra keys are kept in summary.json). */
export type ScenarioMetrics = FairnessMetrics & Record<string, unknown>;

export interface Evaluation {
  metrics: ScenarioMetrics;
  stats: FairnessStats;
  fits: boolean;
  /** Why it does not fit, one clause each. */
  misses: string[];
  /** Set when too few clients connected to judge anything: no statistic is a result then, report-only or not. */
  noData?: string;
}

/** Fewest connected clients a spread is judged on: 5 per node with an expected share, at least 10. */
export function minimumClients(shares: Shares): number {
  return Math.max(10, 5 * Object.values(shares).filter((s) => s > 0).length);
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

export function formatCounts(c: Counts): string {
  return Object.entries(c)
    .map(([n, v]) => `${n} ${v}`)
    .join(' / ');
}

export function evaluate(input: {
  algorithm: string;
  counts: Counts;
  shares: Shares;
  balancerCounts?: Counts;
  criteria: Criteria;
  reportOnly?: boolean;
}): Evaluation {
  const stats = fairnessStats(input.counts, input.shares);
  const misses: string[] = [];
  const connected = Object.values(input.counts).reduce((a, b) => a + b, 0);
  const needed = minimumClients(input.shares);
  const noData =
    connected < needed
      ? `no verdict: ${connected} client(s) connected (${formatCounts(input.counts) || 'none'}), at least ${needed} needed to judge a spread`
      : undefined;
  if (noData) misses.push(noData);
  if (stats.jain < input.criteria.jainMin)
    misses.push(`Jain's index ${stats.jain.toFixed(3)} < ${input.criteria.jainMin}`);
  if (stats.pValue < input.criteria.pMin)
    misses.push(
      `χ² ${stats.chi2.toFixed(1)} (df ${stats.df}, p ${stats.pValue < 0.001 ? '< 0.001' : stats.pValue.toFixed(3)}) rejects the expected shares at p < ${input.criteria.pMin}`,
    );
  if (stats.unexpected > 0) misses.push(`${stats.unexpected} connection(s) on nodes with an expected share of 0`);
  const fits = misses.length === 0;
  const clients = connected;
  const verdict = noData
    ? noData
    : input.reportOnly
      ? `report only${fits ? '' : ` (${misses.join('; ')})`}`
      : fits
        ? 'fits the expected shares'
        : `does not fit: ${misses.join('; ')}`;
  return {
    stats,
    fits,
    misses,
    noData,
    metrics: {
      algorithm: input.algorithm,
      clients,
      counts: input.counts,
      expectedShares: Object.fromEntries(Object.entries(input.shares).map(([n, s]) => [n, round(s)])),
      ...(input.balancerCounts ? { balancerCounts: input.balancerCounts } : {}),
      jain: round(stats.jain),
      cv: round(stats.cv),
      maxMean: round(stats.maxMean),
      chi2: round(stats.chi2, 3),
      pValue: round(stats.pValue, 6),
      verdict,
    },
  };
}
