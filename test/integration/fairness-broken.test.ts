/**
 * The fairness suite run like a user runs it (`mqtt-lb run … --suites fairness`): the broken fixtures
 * fail with the expected finding, a good fixture passes, and summary.json carries the metrics per scenario.
 */
import { describe, expect, test } from '@jest/globals';
import type { FairnessMetrics, Summary } from '../../harness/report/summary-types.js';
import { byName, errorFindings, runSuiteCli, type SuiteRun } from './cli-helpers.js';
import { fromBatch, runSuiteCliBatch, sharedBatch } from '../helpers/cli-batch.js';

/** The fairness suite through the CLI, only the tests matching `only` when given. */
const BUILT = ['suites/fairness.test.ts', 'harness/fairness/evaluate.ts'];
const runFairness = (profile: string, only?: string): Promise<SuiteRun> =>
  runSuiteCli(profile, 'fairness', only ? ['-t', only] : [], { built: BUILT });

const SKEWED = 'fixtures/broken/skewed-weights.yaml';
const SOURCE = 'fixtures/broken/source-single-address.yaml';
/**
 * The broken fixtures in one `mqtt-lb run` (each still in its own Jest child and deployment). Under the skewed config
 * (roundrobin) the source-affinity scenario is skipped before its deployment starts: only static spread runs there.
 */
const brokenRuns = sharedBatch(() =>
  runSuiteCliBatch([SKEWED, SOURCE], 'fairness', ['-t', 'static spread|source affinity'], { built: BUILT }),
);

const scenariosOf = (s: Summary): Record<string, FairnessMetrics> =>
  (s.metrics.fairness as { scenarios: Record<string, FairnessMetrics> }).scenarios;

describe('fairness suite through the CLI', () => {
  test('broken: weights that skew a spread the profile says is even → static spread fails naming the weight line', async () => {
    const { code, tests, summary } = fromBatch(await brokenRuns(), SKEWED);
    expect(code).toBe(1);
    const t = byName(tests, 'static spread');
    expect(t.status).toBe('failed');
    const f = errorFindings(t).find((x) => /weights do not give the intended spread/.test(x.title));
    expect(f).toMatchObject({ line: 31 });
    expect(f!.file).toMatch(/skewed-weights\.cfg$/);
    const m = scenariosOf(summary)['static spread']!;
    expect(m.counts).toEqual({ node1: 120, node2: 120, node3: 60 });
    expect(m.jain).toBeLessThan(0.95);
  }, 360_000);

  test('broken: balance source with every client behind one address → the NAT surprise, said plainly', async () => {
    const { code, tests } = fromBatch(await brokenRuns(), SOURCE);
    expect(code).toBe(1);
    for (const name of ['static spread', 'source affinity']) {
      const t = byName(tests, name);
      expect(t.status).toBe('failed');
      const f = errorFindings(t)[0]!;
      expect(f.title).toMatch(
        /one source address \(127\.0\.2\.1\), and `balance source` sent every one of them to node\d: the other nodes got none/,
      );
      expect(f.detail).toMatch(/NAT/);
      expect(f.line).toBe(20);
    }
  }, 360_000);

  test('good: leastconn passes every scenario that applies; summary.json has the metrics per scenario', async () => {
    const { code, tests, summary, log } = await runFairness('fixtures/profiles/haproxy-leastconn.yaml');
    expect({ code, failed: tests.filter((t) => t.status === 'failed').map((t) => t.name) }).toEqual({
      code: 0,
      failed: [],
    });
    expect(byName(tests, 'source affinity').skipReason).toMatch(/does not hash/);
    const scenarios = scenariosOf(summary);
    expect(Object.keys(scenarios).sort()).toEqual(['churn', 'rebalance after recovery', 'static spread']);
    for (const m of Object.values(scenarios))
      expect(m).toEqual(
        expect.objectContaining({
          algorithm: 'leastconn',
          jain: expect.any(Number),
          cv: expect.any(Number),
          maxMean: expect.any(Number),
          chi2: expect.any(Number),
          pValue: expect.any(Number),
        }),
      );
    expect(scenarios['static spread']!.jain).toBeGreaterThanOrEqual(0.98);
    expect(log).not.toMatch(/Error:/);
  }, 180_000);
});
