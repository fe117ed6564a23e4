/**
 * The baseline comparison's tolerances, one per kind of compared metric, each derived from the run-to-run spread
 * measured over five consecutive runs of the demo profile (figures below), or marked informational when too noisy.
 */

/** Kinds of compared metrics; a kind's tolerance applies to every scenario or suite that reports it. */
export type MetricKind =
  | 'detectionMs'
  | 'reconnectP99Ms'
  | 'jain'
  | 'tlsHandshakesPerS'
  | 'tlsP99Ms'
  | 'connectTcpP99Ms'
  | 'connectTlsP99Ms'
  | 'connectWsUpgradeP99Ms'
  | 'connectConnackP99Ms'
  | 'connectSubackP99Ms';

/**
 * A metric worsens when it moves in the bad direction; it is a regression only when the worsening exceeds every
 * tolerance given (relative: fraction of the baseline value; absolute: in the metric's unit). With `informational`
 * the metric is shown but never judged (the text says why).
 */
export interface MetricTolerance {
  worse: 'higher' | 'lower';
  relative?: number;
  absolute?: number;
  informational?: string;
  /** How the tolerance was derived (shown in the report). */
  basis?: string;
}

export type BaselineTolerances = Record<MetricKind, MetricTolerance>;

/** Connection-phase p99 over fewer attempts than this is their maximum, one outlier: shown, not judged. */
export const MIN_PHASE_COUNT_JUDGED = 100;

/**
 * What five runs measured for one kind: its widest figure (the one whose values spread most among the judged ones),
 * that figure's value in each run, max − min (= the largest pairwise |delta|) and median.
 */
export interface MeasuredSpread {
  worse: 'higher' | 'lower';
  unit: string;
  widest: string;
  values: number[];
  /** Smallest tolerance worth having (the spread may be 0), and the step the tolerance is rounded up to. */
  floor: number;
  step: number;
}

/**
 * Five sequential runs of fixtures/profiles/haproxy-roundrobin.yaml (standin × 3, HAProxy 2.6.12, local runtime) on
 * the 2-core machine shared with other engineers' test runs (load average 2–17; runs 4 and 5 at 16–17, where the
 * hang scenario's test failed with a 13.2 s reconnect), 2026-12-07 03:47–04:02 UTC, report folders /tmp/b18-run1…5,
 * measured with `node scripts/baseline-spread.mjs <folders>`. All figures of a kind, runs 1 / 2 / 3 / 4 / 5:
 *
 *   detection_ms      kill 1922/1823/1306/1477/1484 (Δ 616) · hang 5344/5667/5193/4874/5118 (Δ 793)
 *                     return 1425/1525/1437/1506/1693 (Δ 268) · stop 2443/1605/2125/1972/1680 (Δ 838) · reload null
 *   reconnect_p99_ms  kill 3718/3759/4116/4425/3863 (Δ 707) · hang 7725/6222/5530/13241/13160 (Δ 7711)
 *                     return 3659/3710/3644/3660/3683 (Δ 66) · stop 3675/3694/3768/3747/5529 (Δ 1854) · reload null
 *   jain (asserted)   static spread 1/1/1/1/1 (Δ 0); report-only, not judged: churn 0.9883/0.9978/0.9948/0.9978/0.997
 *                     (Δ 0.0095), rebalance after recovery 0.8182 × 5
 *   connect p99 (ms)  failover tcp 75.65/148.22/199.3/493.57/308.48 (Δ 418), connack 490.24/358.14/543.74/942.59/
 *                     1230.85 (Δ 873); fairness tcp 332.03/113.54/237.31/278.02/1026.56 (Δ 913), connack 680.96/485.12/
 *                     1006.59/1038.85/2580.48 (Δ 2095); below 100 samples (pubsub 24, keepalive 6, suback 9–25
 *                     attempts): pubsub connack 125/333/591/412/451, keepalive connack 117/311/523/482/399
 *   tls, ws           not measured: the demo profile has no tls suite and its clients connect over plain TCP
 *
 * Checked out of sample with these tolerances: runs 21–25 (05:00–05:09 UTC, load 3–5, every test passed) compared
 * pairwise: 20 comparisons, no regression (churn's report-only Jain moved 0.9993 → 0.9719 there: informational).
 * Over all 17 completed runs (272 comparisons) the only metric flagged was stop detection 1416 → 3117 ms (Δ 1701)
 * against run 11 at load 25; the other flags were tests that failed under load (hang, stop, kill reconnect > 10 s).
 */
export const MEASURED: Partial<Record<MetricKind, MeasuredSpread>> = {
  detectionMs: {
    worse: 'higher',
    unit: 'ms',
    widest: 'stop',
    values: [2443, 1605, 2125, 1972, 1680],
    floor: 200,
    step: 100,
  },
  reconnectP99Ms: {
    worse: 'higher',
    unit: 'ms',
    widest: 'hang',
    values: [7725, 6222, 5530, 13241, 13160],
    floor: 200,
    step: 100,
  },
  jain: { worse: 'lower', unit: '', widest: 'static spread', values: [1, 1, 1, 1, 1], floor: 0.01, step: 0.005 },
  connectTcpP99Ms: {
    worse: 'higher',
    unit: 'ms',
    widest: 'fairness',
    values: [332.03, 113.54, 237.31, 278.02, 1026.56],
    floor: 10,
    step: 10,
  },
  connectConnackP99Ms: {
    worse: 'higher',
    unit: 'ms',
    widest: 'fairness',
    values: [680.96, 485.12, 1006.59, 1038.85, 2580.48],
    floor: 10,
    step: 10,
  },
};

/** Safety factor on the measured spread: five runs see less than the whole range of a noisy figure. */
export const SPREAD_FACTOR = 2;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The rule: absolute tolerance = max pairwise |delta| × SPREAD_FACTOR, at least the floor, rounded up to the step.
 * A kind is too noisy to judge — informational — when that tolerance reaches the widest figure's median: only a
 * doubling would show, and scheduling on a shared machine alone produced that between runs.
 */
export function deriveTolerance(m: MeasuredSpread): MetricTolerance {
  const delta = Math.max(...m.values) - Math.min(...m.values);
  const raw = Math.max(m.floor, delta * SPREAD_FACTOR);
  const absolute = Number((Math.ceil(raw / m.step - 1e-9) * m.step).toFixed(6));
  const mid = median(m.values);
  const unit = m.unit ? ` ${m.unit}` : '';
  const measured = `the widest, ${m.widest}, ranged ${Math.min(...m.values)}–${Math.max(...m.values)}${unit} over 5 runs (max pairwise Δ ${Number(delta.toFixed(4))}${unit})`;
  if (absolute >= mid)
    return {
      worse: m.worse,
      informational: `too noisy between runs: ${m.widest} ${Math.min(...m.values)}–${Math.max(...m.values)}${unit} over 5 runs (median ${mid}${unit})`,
      basis: measured,
    };
  return {
    worse: m.worse,
    absolute,
    basis: `${measured}; × ${SPREAD_FACTOR}${delta * SPREAD_FACTOR < m.floor ? `, floor ${m.floor}${unit}` : ''}`,
  };
}

const derived = (kind: keyof typeof MEASURED): MetricTolerance => deriveTolerance(MEASURED[kind]!);

const NOT_MEASURED_PHASE =
  'not measured by the demo profile (plain TCP clients); the phases it measured (TCP, CONNACK) were too noisy to judge';

export const DEFAULT_TOLERANCES: BaselineTolerances = {
  detectionMs: derived('detectionMs'),
  reconnectP99Ms: derived('reconnectP99Ms'),
  jain: derived('jain'),
  // Not in the demo profile (no tls suite): the earlier fixed tolerances stay until a TLS profile's spread is measured.
  tlsHandshakesPerS: {
    worse: 'lower',
    relative: 0.25,
    basis: 'fixed (not derived): the demo profile has no tls suite',
  },
  tlsP99Ms: {
    worse: 'higher',
    relative: 0.25,
    absolute: 5,
    basis: 'fixed (not derived): the demo profile has no tls suite',
  },
  connectTcpP99Ms: derived('connectTcpP99Ms'),
  connectTlsP99Ms: { worse: 'higher', informational: NOT_MEASURED_PHASE },
  connectWsUpgradeP99Ms: { worse: 'higher', informational: NOT_MEASURED_PHASE },
  connectConnackP99Ms: derived('connectConnackP99Ms'),
  connectSubackP99Ms: {
    worse: 'higher',
    informational:
      'SUBACK p99 is over fewer than 100 samples in every suite of the demo profile (9–25): no judged spread to derive from',
  },
};

/** "± 200 ms and 25 %": the tolerance as the report states it. */
export function toleranceText(t: MetricTolerance, unit: string): string {
  const parts: string[] = [];
  if (t.absolute !== undefined) parts.push(`${t.absolute}${unit ? ` ${unit}` : ''}`);
  if (t.relative !== undefined) parts.push(`${Math.round(t.relative * 100)} %`);
  return parts.length ? `worse by more than ${parts.join(' and ')}` : 'any worsening';
}
