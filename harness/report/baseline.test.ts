import { describe, expect, test } from '@jest/globals';
import { compareToBaseline, DEFAULT_TOLERANCES } from './baseline.js';
import { MIN_PHASE_COUNT_JUDGED } from './baseline-tolerances.js';
import type { ConnectPhasesMetrics, FailoverMetrics, FairnessMetrics, Summary, TlsMetrics } from './summary-types.js';
import type { TlsHandshakeFigures } from '../results/schema.js';
import { roundrobinSummary } from '../../test/helpers/report-fixtures.js';

const failover = (s: Summary) =>
  (s.metrics.failover as { scenarios: Record<string, FailoverMetrics> }).scenarios['kill-node2']!;
const fairness = (s: Summary) =>
  (s.metrics.fairness as { scenarios: Record<string, FairnessMetrics> }).scenarios.roundrobin!;
const tls = (s: Summary) => s.metrics.tls as TlsMetrics & TlsHandshakeFigures;
const phases = (s: Summary) => (s.metrics.pubsub as { connect_phases: ConnectPhasesMetrics }).connect_phases;
const CONNACK = 'metrics.pubsub.connect_phases.connack.p99_ms';
const DETECTION = 'metrics.failover.scenarios.kill-node2.detection_ms';

function pair(): { baseline: Summary; current: Summary } {
  const baseline = roundrobinSummary();
  const current = roundrobinSummary();
  failover(baseline).detection_ms = 2000;
  failover(current).detection_ms = 2000;
  // Every figure at a value with the same absolute tolerance in both directions, and detection well above floors.
  return { baseline, current };
}

describe('compareToBaseline', () => {
  test('identical runs: every metric compared, nothing regressed', () => {
    const { baseline, current } = pair();
    const diff = compareToBaseline(current, baseline);
    expect(diff.regressed).toBe(false);
    expect(diff.statusChanges).toEqual([]);
    expect(diff.metricChanges.map((m) => m.path).sort()).toEqual([
      DETECTION,
      'metrics.failover.scenarios.kill-node2.reconnect_p99_ms',
      'metrics.fairness.scenarios.roundrobin.jain',
      CONNACK,
      'metrics.pubsub.connect_phases.suback.p99_ms',
      'metrics.pubsub.connect_phases.tcp.p99_ms',
      'metrics.tls.handshakes_per_s',
      'metrics.tls.p99_ms',
    ]);
    expect(diff.metricChanges.every((m) => m.change === 0 && !m.regressed)).toBe(true);
  });

  test('flags a degraded detection time beyond both tolerances', () => {
    const { baseline, current } = pair();
    const limit = DEFAULT_TOLERANCES.detectionMs.absolute!;
    failover(current).detection_ms = 2000 + 2 * limit;
    const diff = compareToBaseline(current, baseline);
    const change = diff.metricChanges.find((m) => m.path === DETECTION)!;
    expect(change).toMatchObject({
      label: 'failover › kill-node2 › detection',
      kind: 'detectionMs',
      unit: 'ms',
      from: 2000,
      to: 2000 + 2 * limit,
      change: 2 * limit,
      judged: true,
      tolerance: `worse by more than ${limit} ms`,
      regressed: true,
    });
    expect(change.informational).toBeUndefined();
    expect(diff.regressed).toBe(true);
  });

  test('does not flag changes within tolerance', () => {
    const { baseline, current } = pair();
    failover(current).detection_ms = 2000 + DEFAULT_TOLERANCES.detectionMs.absolute!; // at the limit: not beyond
    failover(baseline).reconnect_p99_ms = 100;
    failover(current).reconnect_p99_ms = 60_000; // informational: too noisy between runs to judge
    fairness(current).jain = fairness(baseline).jain - DEFAULT_TOLERANCES.jain.absolute! / 2;
    tls(current).handshakes_per_s = tls(baseline).handshakes_per_s * 0.8;
    tls(current).p99_ms = tls(baseline).p99_ms * 0.5; // better
    const diff = compareToBaseline(current, baseline);
    expect(diff.metricChanges.filter((m) => m.regressed)).toEqual([]);
    expect(diff.regressed).toBe(false);
  });

  test('with both a relative and an absolute tolerance, a regression must exceed both', () => {
    const { baseline, current } = pair();
    const tol = { detectionMs: { worse: 'higher', relative: 0.25, absolute: 200 } } as const;
    failover(current).detection_ms = 2400; // +400 ms beyond 200 ms, but +20 % within 25 %
    expect(compareToBaseline(current, baseline, tol).regressed).toBe(false);
    failover(current).detection_ms = 2600; // +30 %, +600 ms
    expect(compareToBaseline(current, baseline, tol).regressed).toBe(true);
    failover(baseline).detection_ms = 100;
    failover(current).detection_ms = 250; // +150 %, but only +150 ms
    expect(compareToBaseline(current, baseline, tol).regressed).toBe(false);
  });

  test('flags lower-is-worse metrics that drop beyond tolerance', () => {
    const { baseline, current } = pair();
    fairness(current).jain = fairness(baseline).jain - 2 * DEFAULT_TOLERANCES.jain.absolute!;
    tls(current).handshakes_per_s = tls(baseline).handshakes_per_s * 0.5;
    const regressed = compareToBaseline(current, baseline)
      .metricChanges.filter((m) => m.regressed)
      .map((m) => m.path);
    expect(regressed.sort()).toEqual(['metrics.fairness.scenarios.roundrobin.jain', 'metrics.tls.handshakes_per_s']);
  });

  test('a failure that is no longer detected (null) is a regression; custom tolerances apply', () => {
    const { baseline, current } = pair();
    failover(current).detection_ms = null;
    expect(compareToBaseline(current, baseline).metricChanges.find((m) => m.path === DETECTION)).toMatchObject({
      from: 2000,
      to: null,
      change: null,
      regressed: true,
    });
    failover(current).detection_ms = 2000 + DEFAULT_TOLERANCES.detectionMs.absolute! / 2;
    expect(compareToBaseline(current, baseline).regressed).toBe(false);
    expect(compareToBaseline(current, baseline, { detectionMs: { worse: 'higher', relative: 0.01 } }).regressed).toBe(
      true,
    );
  });

  test('passed → failed is a regression, failed → passed an improvement', () => {
    const { baseline, current } = pair();
    current.suites.fairness!.tests[0]!.status = 'failed';
    baseline.suites.tls!.tests[0]!.status = 'failed';
    const diff = compareToBaseline(current, baseline);
    expect(diff.statusChanges).toEqual([
      {
        suite: 'tls',
        test: 'tls › TLS 1.3 handshake through the balancer',
        from: 'failed',
        to: 'passed',
        kind: 'improvement',
      },
      {
        suite: 'fairness',
        test: 'fairness › connections spread evenly',
        from: 'passed',
        to: 'failed',
        kind: 'regression',
      },
    ]);
    expect(diff.regressed).toBe(true);
  });

  test('an improvement alone is not a regression; tests and scenarios missing on one side are ignored', () => {
    const { baseline, current } = pair();
    baseline.suites.tls!.tests[0]!.status = 'failed';
    current.suites.pubsub!.tests.push({
      name: 'new test',
      path: ['pubsub'],
      status: 'failed',
      durationMs: 1,
      findings: [],
    });
    delete (current.metrics.failover as { scenarios: Record<string, unknown> }).scenarios['kill-node2'];
    const diff = compareToBaseline(current, baseline);
    expect(diff.regressed).toBe(false);
    expect(diff.metricChanges.some((m) => m.path.startsWith('metrics.failover'))).toBe(false);
  });
});

describe('compareToBaseline: asserted figures are judged, reported ones are informational', () => {
  test('a report-only fairness scenario (churn, rebalance under roundrobin) is shown but never a regression', () => {
    const { baseline, current } = pair();
    fairness(baseline).verdict = 'report only';
    fairness(current).verdict = "report only (Jain's index 0.700 < 0.98)";
    fairness(current).jain = 0.7;
    const diff = compareToBaseline(current, baseline);
    expect(diff.metricChanges.find((m) => m.path.endsWith('roundrobin.jain'))).toMatchObject({
      from: 0.9999,
      to: 0.7,
      judged: false,
      informational: 'report-only scenario: the suite does not assert its spread',
      regressed: false,
    });
    expect(diff.regressed).toBe(false);
  });

  test('report-only in either run is enough: a scenario asserted only now is not judged against one that was not', () => {
    const { baseline, current } = pair();
    fairness(baseline).verdict = 'report only';
    fairness(current).verdict = 'fits the expected shares';
    fairness(current).jain = 0.5;
    expect(compareToBaseline(current, baseline).regressed).toBe(false);
    fairness(baseline).verdict = 'no verdict: 3 client(s) connected';
    expect(compareToBaseline(current, baseline).metricChanges.find((m) => m.kind === 'jain')).toMatchObject({
      judged: false,
      informational: 'the scenario had too few clients to judge',
    });
  });

  test('an asserted fairness scenario, whatever its verdict text, stays judged', () => {
    const { baseline, current } = pair();
    fairness(baseline).verdict = 'fits the expected shares';
    fairness(current).verdict = "does not fit: Jain's index 0.700 < 0.98";
    fairness(current).jain = 0.7;
    const change = compareToBaseline(current, baseline).metricChanges.find((m) => m.kind === 'jain')!;
    expect(change).toMatchObject({ judged: true, regressed: true });
  });

  test('connection-phase p99: judged with its tolerance from enough samples, informational from few', () => {
    const { baseline, current } = pair();
    const judgedTol = { connectConnackP99Ms: { worse: 'higher', absolute: 100 } } as const;
    for (const s of [baseline, current]) phases(s).connack!.count = MIN_PHASE_COUNT_JUDGED;
    phases(baseline).connack!.p99_ms = 200;
    phases(current).connack!.p99_ms = 301;
    expect(compareToBaseline(current, baseline, judgedTol).metricChanges.find((m) => m.path === CONNACK)).toMatchObject(
      {
        label: 'pubsub › connect phases › CONNACK p99',
        kind: 'connectConnackP99Ms',
        from: 200,
        to: 301,
        judged: true,
        tolerance: 'worse by more than 100 ms',
        regressed: true,
      },
    );
    phases(current).connack!.p99_ms = 300;
    expect(compareToBaseline(current, baseline, judgedTol).regressed).toBe(false);

    phases(current).connack!.p99_ms = 900;
    phases(current).connack!.count = MIN_PHASE_COUNT_JUDGED - 1;
    const few = compareToBaseline(current, baseline, judgedTol);
    expect(few.regressed).toBe(false);
    expect(few.metricChanges.find((m) => m.path === CONNACK)!.informational).toMatch(/p99 of 99 < 100 samples/);
  });

  test('a kind whose tolerance is informational (too noisy between runs) is never judged', () => {
    const { baseline, current } = pair();
    failover(current).detection_ms = 60_000;
    const noisy = { detectionMs: { worse: 'higher', informational: 'too noisy' } } as const;
    const diff = compareToBaseline(current, baseline, noisy);
    expect(diff.metricChanges.find((m) => m.path === DETECTION)).toMatchObject({
      judged: false,
      informational: 'too noisy',
      regressed: false,
    });
    expect(diff.metricChanges.find((m) => m.path === DETECTION)!.tolerance).toBeUndefined();
    expect(diff.regressed).toBe(false);
  });

  test('every kind has a tolerance, derived (basis stated) or informational (reason stated)', () => {
    for (const [kind, t] of Object.entries(DEFAULT_TOLERANCES)) {
      expect([kind, Boolean(t.basis ?? t.informational)]).toEqual([kind, true]);
      if (!t.informational) expect([kind, t.absolute !== undefined || t.relative !== undefined]).toEqual([kind, true]);
    }
  });
});
