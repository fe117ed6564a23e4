/**
 * Comparison of a run with a baseline run of the same profile: test status changes and numeric metric changes, each
 * judged against a tolerance so that noise is not reported as a regression.
 */
import type { Summary, TestStatus } from './summary-types.js';
import { failoverScenarios, fairnessScenarios, tlsMetrics } from './metrics-access.js';
import { testFullName } from './text.js';

/**
 * A metric worsens when it moves in the bad direction; it is a regression only when the worsening exceeds every
 * tolerance given (relative: fraction of the baseline value; absolute: in the metric's unit).
 */
export interface MetricTolerance {
  worse: 'higher' | 'lower';
  relative?: number;
  absolute?: number;
}

export interface BaselineTolerances {
  detectionMs: MetricTolerance;
  reconnectP99Ms: MetricTolerance;
  jain: MetricTolerance;
  tlsHandshakesPerS: MetricTolerance;
  tlsP99Ms: MetricTolerance;
}

export const DEFAULT_TOLERANCES: BaselineTolerances = {
  detectionMs: { worse: 'higher', relative: 0.25, absolute: 200 },
  reconnectP99Ms: { worse: 'higher', relative: 0.25, absolute: 200 },
  jain: { worse: 'lower', absolute: 0.01 },
  tlsHandshakesPerS: { worse: 'lower', relative: 0.25 },
  tlsP99Ms: { worse: 'higher', relative: 0.25, absolute: 5 },
};

export interface StatusChange {
  suite: string;
  /** Full test name (describe path › name). */
  test: string;
  from: TestStatus;
  to: TestStatus;
  /** regression: now failed; improvement: failed before, not now; other: e.g. passed → skipped. */
  kind: 'regression' | 'improvement' | 'other';
}

export interface MetricChange {
  /** e.g. "metrics.failover.scenarios.kill-node2.detection_ms". */
  path: string;
  /** null: the metric was reported as null (e.g. never detected). */
  from: number | null;
  to: number | null;
  /** to − from, in the metric's unit; null when either side is null. */
  change: number | null;
  /** (to − from) / |from|; null when either side is null or from is 0. */
  relativeChange: number | null;
  worse: 'higher' | 'lower';
  regressed: boolean;
}

export interface BaselineDiff {
  baselineRunId: string;
  baselineStarted: string;
  statusChanges: StatusChange[];
  metricChanges: MetricChange[];
  /** Any status regression or metric regression. */
  regressed: boolean;
}

function statusChanges(current: Summary, baseline: Summary): StatusChange[] {
  const changes: StatusChange[] = [];
  for (const [suite, result] of Object.entries(current.suites)) {
    const before = new Map((baseline.suites[suite]?.tests ?? []).map((t) => [testFullName(t), t.status]));
    for (const test of result.tests) {
      const name = testFullName(test);
      const from = before.get(name);
      if (from === undefined || from === test.status) continue;
      const kind = test.status === 'failed' ? 'regression' : from === 'failed' ? 'improvement' : 'other';
      changes.push({ suite, test: name, from, to: test.status, kind });
    }
  }
  return changes;
}

function isRegression(from: number | null, to: number | null, tolerance: MetricTolerance): boolean {
  if (to === null) return from !== null; // a value that disappeared (e.g. failure no longer detected) is worse
  if (from === null) return false;
  const worsening = tolerance.worse === 'higher' ? to - from : from - to;
  if (worsening <= 0) return false;
  if (tolerance.relative !== undefined && worsening <= tolerance.relative * Math.abs(from)) return false;
  if (tolerance.absolute !== undefined && worsening <= tolerance.absolute) return false;
  return true;
}

function toNumberOrNull(value: unknown): number | null | undefined {
  if (value === null) return null;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function metricChange(
  path: string,
  fromRaw: unknown,
  toRaw: unknown,
  tolerance: MetricTolerance,
): MetricChange | undefined {
  const from = toNumberOrNull(fromRaw);
  const to = toNumberOrNull(toRaw);
  if (from === undefined || to === undefined) return undefined; // not measured in one of the runs
  const change = from !== null && to !== null ? to - from : null;
  const relativeChange = change !== null && from !== 0 && from !== null ? change / Math.abs(from) : null;
  return {
    path,
    from,
    to,
    change,
    relativeChange,
    worse: tolerance.worse,
    regressed: isRegression(from, to, tolerance),
  };
}

function metricChanges(current: Summary, baseline: Summary, tol: BaselineTolerances): MetricChange[] {
  const out: Array<MetricChange | undefined> = [];
  const failoverBefore = failoverScenarios(baseline);
  for (const [name, now] of Object.entries(failoverScenarios(current))) {
    const before = failoverBefore[name];
    if (!before) continue;
    const base = `metrics.failover.scenarios.${name}`;
    out.push(metricChange(`${base}.detection_ms`, before.detection_ms, now.detection_ms, tol.detectionMs));
    out.push(
      metricChange(`${base}.reconnect_p99_ms`, before.reconnect_p99_ms, now.reconnect_p99_ms, tol.reconnectP99Ms),
    );
  }
  const fairnessBefore = fairnessScenarios(baseline);
  for (const [name, now] of Object.entries(fairnessScenarios(current))) {
    const before = fairnessBefore[name];
    if (before) out.push(metricChange(`metrics.fairness.scenarios.${name}.jain`, before.jain, now.jain, tol.jain));
  }
  const tlsBefore = tlsMetrics(baseline);
  const tlsNow = tlsMetrics(current);
  if (tlsBefore && tlsNow) {
    out.push(
      metricChange(
        'metrics.tls.handshakes_per_s',
        tlsBefore.handshakes_per_s,
        tlsNow.handshakes_per_s,
        tol.tlsHandshakesPerS,
      ),
    );
    out.push(metricChange('metrics.tls.p99_ms', tlsBefore.p99_ms, tlsNow.p99_ms, tol.tlsP99Ms));
  }
  return out.filter((c): c is MetricChange => c !== undefined);
}

export function compareToBaseline(
  current: Summary,
  baseline: Summary,
  tolerances: Partial<BaselineTolerances> = {},
): BaselineDiff {
  const tol = { ...DEFAULT_TOLERANCES, ...tolerances };
  const statuses = statusChanges(current, baseline);
  const metrics = metricChanges(current, baseline, tol);
  return {
    baselineRunId: baseline.run.id,
    baselineStarted: baseline.run.started,
    statusChanges: statuses,
    metricChanges: metrics,
    regressed: statuses.some((c) => c.kind === 'regression') || metrics.some((m) => m.regressed),
  };
}
