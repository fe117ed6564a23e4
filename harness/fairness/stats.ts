/**
 * Fairness metrics of a per-node connection count against expected shares (haproxy-mqtt.md §8):
 * Jain's index, coefficient of variation, max/mean, and Pearson's χ² goodness-of-fit with its p-value.
 *
 * Jain, CV and max/mean are computed on *normalised* allocations x_i = observed_i / expected_share_i,
 * as in Jain's paper (x_i = actual / optimal allocation). With equal shares this is the plain index of
 * the counts; with weights 1:2:3 a perfectly proportional spread scores J = 1, CV = 0, max/mean = 1.
 * Nodes with an expected share of 0 (DOWN, weight 0) are left out of the indices; connections on them
 * are reported separately (`unexpected`).
 */
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

export type Counts = Record<string, number>;
export type Shares = Record<string, number>;

export interface FairnessStats {
  jain: number;
  cv: number;
  maxMean: number;
  chi2: number;
  /** Degrees of freedom of the χ² test (nodes with a positive expected share − 1). */
  df: number;
  /** P(χ²_df ≥ chi2): small means the counts do not fit the expected shares. 1 when df = 0. */
  pValue: number;
  /** Connections on nodes whose expected share is 0. */
  unexpected: number;
  /** Smallest expected count; the χ² approximation wants every expected count ≥ 5. */
  minExpected: number;
}

/** Shares normalised to sum to 1 (zero or negative weights become 0). */
export function normalizeShares(weights: Record<string, number>): Shares {
  const total = Object.values(weights).reduce((a, w) => a + Math.max(0, w), 0);
  if (total <= 0) throw new Error(`no positive weight among ${JSON.stringify(weights)}`);
  return Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, Math.max(0, w) / total]));
}

/** Jain's index (Σx)² / (n·Σx²): 1 = perfectly fair, 1/n = everything on one. 1 for all-zero input. */
export function jainIndex(xs: readonly number[]): number {
  const sum = xs.reduce((a, x) => a + x, 0);
  const sumSq = xs.reduce((a, x) => a + x * x, 0);
  return sumSq === 0 ? 1 : (sum * sum) / (xs.length * sumSq);
}

/** Coefficient of variation σ/μ with the population standard deviation (scipy.stats.variation). */
export function coefficientOfVariation(xs: readonly number[]): number {
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  if (mean === 0) return 0;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
  return Math.sqrt(variance) / mean;
}

export function maxOverMean(xs: readonly number[]): number {
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  return mean === 0 ? 1 : Math.max(...xs) / mean;
}

/** Pearson's χ² statistic Σ(O−E)²/E and its upper-tail p-value with `df` degrees of freedom. */
export function chiSquare(
  observed: readonly number[],
  expected: readonly number[],
): { chi2: number; df: number; pValue: number } {
  if (observed.length !== expected.length) throw new Error('observed and expected differ in length');
  const chi2 = observed.reduce((a, o, i) => a + (o - expected[i]!) ** 2 / expected[i]!, 0);
  const df = observed.length - 1;
  const pValue = df < 1 ? 1 : 1 - chisquareCdf(chi2, df);
  return { chi2, df, pValue };
}

/** All metrics of `counts` against `shares` (shares need not be normalised). */
export function fairnessStats(counts: Counts, shares: Shares): FairnessStats {
  const norm = normalizeShares(shares);
  const nodes = Object.keys(norm).filter((n) => norm[n]! > 0);
  const unexpected = Object.entries(counts)
    .filter(([n]) => !(norm[n]! > 0))
    .reduce((a, [, c]) => a + c, 0);
  const observed = nodes.map((n) => counts[n] ?? 0);
  const total = observed.reduce((a, o) => a + o, 0);
  const normalised = nodes.map((n, i) => observed[i]! / norm[n]!);
  const expected = nodes.map((n) => total * norm[n]!);
  const { chi2, df, pValue } = total > 0 ? chiSquare(observed, expected) : { chi2: 0, df: nodes.length - 1, pValue: 1 };
  return {
    jain: jainIndex(normalised),
    cv: coefficientOfVariation(normalised),
    maxMean: maxOverMean(normalised),
    chi2,
    df,
    pValue,
    unexpected,
    minExpected: Math.min(...expected),
  };
}
