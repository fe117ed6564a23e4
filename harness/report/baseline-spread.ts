/**
 * Run-to-run spread of the baseline comparison's figures over repeated runs of one profile (what the tolerances in
 * baseline-tolerances.ts are derived from), and the pairwise comparison of those runs (which must find no regression).
 */
import { compareToBaseline, type MetricChange } from './baseline.js';
import { comparableMetrics } from './baseline-metrics.js';
import type { BaselineTolerances, MetricKind } from './baseline-tolerances.js';
import type { Summary } from './summary-types.js';

export interface FigureSpread {
  path: string;
  label: string;
  kind: MetricKind;
  unit: string;
  /** One per run, in the runs' order: a number, null (reported as null) or undefined (not reported). */
  values: Array<number | null | undefined>;
  /** max − min of the numbers = the largest pairwise |delta|; null when fewer than two runs have a number. */
  maxPairwiseDelta: number | null;
  /** Set when any run marked the figure informational (report-only scenario, too few samples): why. */
  informational?: string;
}

/** Every figure any run reports, with its value in each run. */
export function figureSpreads(runs: Summary[]): FigureSpread[] {
  const byPath = new Map<string, FigureSpread>();
  runs.forEach((run, i) => {
    for (const m of comparableMetrics(run)) {
      let s = byPath.get(m.path);
      if (!s) {
        const values = runs.map((): number | null | undefined => undefined);
        s = { path: m.path, label: m.label, kind: m.kind, unit: m.unit, values, maxPairwiseDelta: null };
        byPath.set(m.path, s);
      }
      s.values[i] = m.value;
      if (m.informational && !s.informational) s.informational = m.informational;
    }
  });
  for (const s of byPath.values()) {
    const numbers = s.values.filter((v): v is number => typeof v === 'number');
    s.maxPairwiseDelta = numbers.length >= 2 ? Math.max(...numbers) - Math.min(...numbers) : null;
  }
  return [...byPath.values()];
}

export interface KindSpread {
  kind: MetricKind;
  /** Largest max − min over the kind's judged figures (informational ones left out); null: none measured twice. */
  maxPairwiseDelta: number | null;
  /** The figure with that spread. */
  widest?: string;
  judged: number;
  informational: number;
}

/** Per kind: the widest spread among the figures that would be judged. */
export function kindSpreads(spreads: FigureSpread[]): KindSpread[] {
  const out = new Map<MetricKind, KindSpread>();
  for (const s of spreads) {
    let k = out.get(s.kind);
    if (!k) out.set(s.kind, (k = { kind: s.kind, maxPairwiseDelta: null, judged: 0, informational: 0 }));
    if (s.informational) {
      k.informational += 1;
      continue;
    }
    k.judged += 1;
    if (s.maxPairwiseDelta !== null && (k.maxPairwiseDelta === null || s.maxPairwiseDelta > k.maxPairwiseDelta)) {
      k.maxPairwiseDelta = s.maxPairwiseDelta;
      k.widest = s.path;
    }
  }
  return [...out.values()];
}

export interface PairResult {
  /** Indexes into the runs: `current` compared with `baseline`. */
  current: number;
  baseline: number;
  regressed: boolean;
  /** "test …: passed → failed", "metric path: from → to". */
  regressions: string[];
  judged: number;
  informational: number;
}

function metricLine(m: MetricChange): string {
  return `metric ${m.path}: ${m.from ?? 'null'} → ${m.to ?? 'null'} (${m.worse} is worse; ${m.tolerance ?? ''})`;
}

/** Each run compared with each other run as its baseline (n × (n − 1) comparisons, both directions). */
export function pairwiseComparison(runs: Summary[], tolerances?: Partial<BaselineTolerances>): PairResult[] {
  const out: PairResult[] = [];
  runs.forEach((current, i) =>
    runs.forEach((baseline, j) => {
      if (i === j) return;
      const diff = compareToBaseline(current, baseline, tolerances);
      out.push({
        current: i,
        baseline: j,
        regressed: diff.regressed,
        regressions: [
          ...diff.statusChanges
            .filter((c) => c.kind === 'regression')
            .map((c) => `test ${c.suite} › ${c.test}: ${c.from} → ${c.to}`),
          ...diff.metricChanges.filter((m) => m.regressed).map(metricLine),
        ],
        judged: diff.metricChanges.filter((m) => m.judged).length,
        informational: diff.metricChanges.filter((m) => !m.judged).length,
      });
    }),
  );
  return out;
}
