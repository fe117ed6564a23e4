/**
 * Comparison of a run with a baseline run of the same profile: test status changes and numeric metric changes. A
 * figure the run asserts is judged against its kind's tolerance (derived from measured run-to-run spread) so that
 * noise is not reported as a regression; a figure it only reports is shown as informational, never judged.
 */
import type { Summary, TestStatus } from './summary-types.js';
import { testFullName } from './text.js';
import {
  DEFAULT_TOLERANCES,
  toleranceText,
  type BaselineTolerances,
  type MetricKind,
  type MetricTolerance,
} from './baseline-tolerances.js';
import { comparableMetrics } from './baseline-metrics.js';

export { DEFAULT_TOLERANCES, type BaselineTolerances, type MetricKind, type MetricTolerance };

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
  /** For people: "failover › kill-node2 › detection". */
  label: string;
  kind: MetricKind;
  /** "ms", "/s", or "" (an index). */
  unit: string;
  /** null: the metric was reported as null (e.g. never detected). */
  from: number | null;
  to: number | null;
  /** to − from, in the metric's unit; null when either side is null. */
  change: number | null;
  /** (to − from) / |from|; null when either side is null or from is 0. */
  relativeChange: number | null;
  worse: 'higher' | 'lower';
  /** false: informational, shown but not judged (see `informational`). */
  judged: boolean;
  /** Why the comparison is not judged: the scenario is report-only, too few samples, or the kind is too noisy. */
  informational?: string;
  /** The tolerance a judged metric was held to, as text ("worse by more than 200 ms and 25 %"). */
  tolerance?: string;
  /** Judged, and worse beyond the tolerance. */
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

function metricChanges(current: Summary, baseline: Summary, tol: BaselineTolerances): MetricChange[] {
  const before = new Map(comparableMetrics(baseline).map((m) => [m.path, m]));
  return comparableMetrics(current).flatMap((now): MetricChange[] => {
    const was = before.get(now.path);
    if (!was) return []; // not measured in the baseline run
    const tolerance: MetricTolerance = tol[now.kind];
    const informational = tolerance.informational ?? now.informational ?? was.informational;
    const from = was.value;
    const to = now.value;
    const change = from !== null && to !== null ? to - from : null;
    return [
      {
        path: now.path,
        label: now.label,
        kind: now.kind,
        unit: now.unit,
        from,
        to,
        change,
        relativeChange: change !== null && from !== null && from !== 0 ? change / Math.abs(from) : null,
        worse: tolerance.worse,
        judged: informational === undefined,
        ...(informational === undefined ? { tolerance: toleranceText(tolerance, now.unit) } : { informational }),
        regressed: informational === undefined && isRegression(from, to, tolerance),
      },
    ];
  });
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
