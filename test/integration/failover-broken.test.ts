/**
 * The failover suite catches bad balancer configs, through the CLI like a user runs it: each broken
 * fixture fails the scenario it should, with the finding and the config line that explain why; the
 * hardened config passes every scenario and leaves its figures in summary.json.
 */
import { describe, expect, test } from '@jest/globals';
import type { FailoverMetrics, Summary } from '../../harness/report/summary-types.js';
import { byName, errorFindings, runSuiteCli, type SuiteRun } from './cli-helpers.js';
import { nightlyTest } from '../helpers/tier.js';
import { fromBatch, runSuiteCliBatch, sharedBatch } from '../helpers/cli-batch.js';

/** The failover suite through the CLI, only the tests matching `testPattern` when given. */
const runFailover = (profile: string, testPattern?: string, timeoutMs?: number): Promise<SuiteRun> =>
  runSuiteCli(profile, 'failover', testPattern ? ['-t', testPattern] : [], {
    built: ['suites/failover.test.ts', 'harness/failover/verdicts.ts'],
    ...(timeoutMs ? { timeoutMs } : {}),
  });

const NO_CHECK = 'fixtures/broken/failover-no-check.yaml';
const SLOW_DETECTION = 'fixtures/broken/failover-slow-detection.yaml';
/** The two kill-scenario fixtures in one `mqtt-lb run` (each still in its own Jest child and deployment). */
const killRuns = sharedBatch(() =>
  runSuiteCliBatch([NO_CHECK, SLOW_DETECTION], 'failover', ['-t', 'kill a node'], {
    built: ['suites/failover.test.ts', 'harness/failover/verdicts.ts'],
  }),
);

function scenario(s: Summary, name: string): FailoverMetrics & { node: string } {
  const m = (s.metrics.failover as { scenarios: Record<string, FailoverMetrics & { node: string }> } | undefined)
    ?.scenarios[name];
  if (!m) throw new Error(`summary.json has no metrics.failover.scenarios.${name}`);
  return m;
}

/** Server lines of the fixtures are consecutive: node N is on line first + N - 1. */
const serverLine = (first: number, node: string): number => first + Number(node.replace('node', '')) - 1;

describe('failover suite against broken and hardened configs (CLI)', () => {
  // suites/failover.test.ts runs the same profile in the quick tier; this CLI pass checks the summary's figures.
  nightlyTest(
    'hardened production config: every scenario passes, figures in summary.json',
    async () => {
      // every scenario, balancer-kill, rolling-restart and the 300-client storm included
      const r = await runFailover('fixtures/profiles/haproxy-roundrobin.yaml', undefined, 330_000);
      expect({
        code: r.code,
        failed: r.summary.suites.failover?.tests
          .filter((t) => t.status !== 'passed')
          .map((t) => `${t.name}: ${t.failureMessages?.join(' ')}`),
      }).toEqual({ code: 0, failed: [] });
      for (const name of ['kill', 'hang', 'stop']) {
        const m = scenario(r.summary, name);
        expect(m.detection_ms).toEqual(expect.any(Number));
        expect(m.reconnect_p99_ms).toEqual(expect.any(Number));
        expect(m.lost).toEqual(expect.any(Number));
        expect(m.duplicated).toEqual(expect.any(Number));
        expect(m.timeline?.samples.length).toBeGreaterThan(5);
        expect(m.timeline?.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['fault', 'marked-down']));
      }
      expect(scenario(r.summary, 'kill').detection_ms).toBeLessThanOrEqual(5000);
      expect(scenario(r.summary, 'return').timeline?.events.map((e) => e.kind)).toContain('marked-up');
      expect(scenario(r.summary, 'reload')).toMatchObject({
        established: { dropped: 0 },
        new_connections: { failed: 0 },
      });
    },
    360_000,
  );

  test("the EMQX guide's config (plain `check`) fails the hang scenario, naming its check line and the fix", async () => {
    const r = await runFailover('fixtures/profiles/guide-haproxy-roundrobin.yaml', 'hang a node');
    expect(r.code).toBe(1);
    const hang = byName(r.tests, 'hang a node');
    expect(hang.status).toBe('failed');
    const node = scenario(r.summary, 'hang').node;
    const [f] = errorFindings(hang);
    expect(f).toMatchObject({
      title: expect.stringContaining(`did not mark ${node} DOWN after the pause`),
      line: serverLine(6, node),
      file: expect.stringMatching(/guide\/emqx-roundrobin\.cfg$/),
    });
    expect(f!.detail).toMatch(/plain TCP connect check.*never marked DOWN/);
    expect(f!.remedy).toMatch(/option httpchk.*\/status/);
    expect(scenario(r.summary, 'hang').detection_ms).toBeNull();
  }, 180_000);

  test('no health check: the kill scenario fails, naming the server line', async () => {
    const r = fromBatch(await killRuns(), NO_CHECK);
    expect(r.code).toBe(1);
    const kill = byName(r.tests, 'kill a node');
    expect(kill.status).toBe('failed');
    const node = scenario(r.summary, 'kill').node;
    expect(errorFindings(kill)[0]).toMatchObject({
      title: expect.stringContaining(`did not mark ${node} DOWN after the kill`),
      line: serverLine(16, node),
      detail: expect.stringMatching(/no health check/),
    });
  }, 360_000);

  // The hang half is the guide case above (the same plain-TCP-check finding of harness/failover/check-facts.ts, another
  // fixture); the kill half passes in suites/failover.test.ts in the quick tier (a crash is refused at connect by any check).
  nightlyTest(
    'TCP-only check: the kill scenario passes, the hang scenario fails pointing at the check',
    async () => {
      const r = await runFailover('fixtures/broken/failover-tcp-check.yaml', 'kill a node|hang a node');
      expect(r.code).toBe(1);
      const kill = byName(r.tests, 'kill a node');
      expect({ status: kill.status, why: errorFindings(kill).map((f) => f.title) }).toEqual({
        status: 'passed',
        why: [],
      });
      const hang = byName(r.tests, 'hang a node');
      expect(hang.status).toBe('failed');
      const node = scenario(r.summary, 'hang').node;
      expect(errorFindings(hang)[0]).toMatchObject({
        line: serverLine(20, node),
        detail: expect.stringMatching(/plain TCP connect check.*passes for a hung node/),
        remedy: expect.stringMatching(/httpchk|tcp-check/),
      });
    },
    180_000,
  );

  test('slow detection (inter 10s fall 5): the kill scenario fails fast, naming the line and the worst case', async () => {
    const r = fromBatch(await killRuns(), SLOW_DETECTION);
    expect(r.code).toBe(1);
    const kill = byName(r.tests, 'kill a node');
    expect(kill.status).toBe('failed');
    expect(errorFindings(kill)[0]).toMatchObject({
      line: 21,
      detail: expect.stringMatching(
        /inter 10 s \(line 21\) × fall 5 \(line 21\) \+ check timeout 2 s \(line 14\) = 52 s/,
      ),
    });
    expect(kill.durationMs).toBeLessThan(40_000);
  }, 360_000);
});
