import { describe, expect, test } from '@jest/globals';
import { compareToBaseline } from './baseline.js';
import type { FailoverMetrics, FairnessMetrics, Summary, TlsMetrics } from './summary-types.js';
import { roundrobinSummary } from '../../test/helpers/report-fixtures.js';

const failover = (s: Summary) =>
  (s.metrics.failover as { scenarios: Record<string, FailoverMetrics> }).scenarios['kill-node2']!;
const fairness = (s: Summary) =>
  (s.metrics.fairness as { scenarios: Record<string, FairnessMetrics> }).scenarios.roundrobin!;
const tls = (s: Summary) => s.metrics.tls as TlsMetrics;
const DETECTION = 'metrics.failover.scenarios.kill-node2.detection_ms';

function pair(): { baseline: Summary; current: Summary } {
  const baseline = roundrobinSummary();
  const current = roundrobinSummary();
  failover(baseline).detection_ms = 2000;
  failover(current).detection_ms = 2000;
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
      'metrics.tls.handshakes_per_s',
      'metrics.tls.p99_ms',
    ]);
    expect(diff.metricChanges.every((m) => m.change === 0 && !m.regressed)).toBe(true);
  });

  test('flags a degraded detection time beyond both tolerances', () => {
    const { baseline, current } = pair();
    failover(current).detection_ms = 6000;
    const diff = compareToBaseline(current, baseline);
    const change = diff.metricChanges.find((m) => m.path === DETECTION)!;
    expect(change).toMatchObject({ from: 2000, to: 6000, change: 4000, relativeChange: 2, regressed: true });
    expect(diff.regressed).toBe(true);
  });

  test('does not flag changes within tolerance', () => {
    const { baseline, current } = pair();
    failover(current).detection_ms = 2400; // +20 %: within 25 %
    failover(baseline).reconnect_p99_ms = 100;
    failover(current).reconnect_p99_ms = 250; // +150 %, but only +150 ms: within 200 ms
    fairness(current).jain = fairness(baseline).jain - 0.005;
    tls(current).handshakes_per_s = tls(baseline).handshakes_per_s * 0.8;
    tls(current).p99_ms = tls(baseline).p99_ms * 0.5; // better
    const diff = compareToBaseline(current, baseline);
    expect(diff.metricChanges.filter((m) => m.regressed)).toEqual([]);
    expect(diff.regressed).toBe(false);
  });

  test('flags lower-is-worse metrics that drop beyond tolerance', () => {
    const { baseline, current } = pair();
    fairness(current).jain = fairness(baseline).jain - 0.05;
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
    failover(current).detection_ms = 2300;
    expect(compareToBaseline(current, baseline).regressed).toBe(false);
    expect(compareToBaseline(current, baseline, { detectionMs: { worse: 'higher', relative: 0.1 } }).regressed).toBe(
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
