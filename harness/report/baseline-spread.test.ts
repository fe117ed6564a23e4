import { describe, expect, test } from '@jest/globals';
import { figureSpreads, kindSpreads, pairwiseComparison } from './baseline-spread.js';
import type { FailoverMetrics, FairnessMetrics, Summary } from './summary-types.js';
import { roundrobinSummary } from '../../test/helpers/report-fixtures.js';

const failover = (s: Summary) =>
  (s.metrics.failover as { scenarios: Record<string, FailoverMetrics> }).scenarios['kill-node2']!;
const fairness = (s: Summary) =>
  (s.metrics.fairness as { scenarios: Record<string, FairnessMetrics> }).scenarios.roundrobin!;

/** Three runs of one profile: detection 2000 / 2600 / 2300 ms; the spread scenario report-only in run 3. */
function runs(): Summary[] {
  return [2000, 2600, 2300].map((ms, i) => {
    const s = roundrobinSummary();
    s.run.id = `run-${i + 1}`;
    failover(s).detection_ms = ms;
    return s;
  });
}

describe('figureSpreads and kindSpreads', () => {
  test('each figure: its value per run and max − min; per kind: the widest judged figure', () => {
    const r = runs();
    r[2]!.metrics.failover = { scenarios: {} }; // not reported in run 3
    const spreads = figureSpreads(r);
    expect(spreads.find((s) => s.path.endsWith('kill-node2.detection_ms'))).toMatchObject({
      kind: 'detectionMs',
      values: [2000, 2600, undefined],
      maxPairwiseDelta: 600,
    });
    expect(kindSpreads(spreads).find((k) => k.kind === 'detectionMs')).toEqual({
      kind: 'detectionMs',
      maxPairwiseDelta: 600,
      widest: 'metrics.failover.scenarios.kill-node2.detection_ms',
      judged: 1,
      informational: 0,
    });
  });

  test('a figure informational in any run is left out of its kind’s spread', () => {
    const r = runs();
    fairness(r[0]!).jain = 0.5;
    fairness(r[2]!).verdict = 'report only';
    const jain = kindSpreads(figureSpreads(r)).find((k) => k.kind === 'jain')!;
    expect(jain).toMatchObject({ maxPairwiseDelta: null, judged: 0, informational: 1 });
  });
});

describe('pairwiseComparison', () => {
  test('every ordered pair is compared; within the derived tolerances nothing regresses', () => {
    const pairs = pairwiseComparison(runs());
    expect(pairs.map((p) => `${p.current}<${p.baseline}`)).toEqual(['0<1', '0<2', '1<0', '1<2', '2<0', '2<1']);
    expect(pairs.every((p) => !p.regressed && p.regressions.length === 0)).toBe(true);
    expect(pairs[0]!.judged).toBeGreaterThan(0);
    expect(pairs[0]!.informational).toBeGreaterThan(0);
  });

  test('a test that fails in one run and a figure beyond tolerance are listed against each baseline', () => {
    const r = runs();
    r[1]!.suites.fairness!.tests[0]!.status = 'failed';
    const pairs = pairwiseComparison(r, { detectionMs: { worse: 'higher', absolute: 100 } });
    expect(pairs.find((p) => p.current === 1 && p.baseline === 0)!.regressions).toEqual([
      'test fairness › fairness › connections spread evenly: passed → failed',
      'metric metrics.failover.scenarios.kill-node2.detection_ms: 2000 → 2600 (higher is worse; worse by more than 100 ms)',
    ]);
    expect(pairs.find((p) => p.current === 0 && p.baseline === 1)!.regressed).toBe(false);
  });
});
