/**
 * The failover suite's storm, balancer-kill and rolling-restart scenarios through the CLI, like a user runs them: on
 * the production roundrobin HAProxy profile (a storm of a few hundred load-engine clients per reconnect policy) all
 * three pass and leave their figures in summary.json; a frontend `maxconn 150` under a storm of 300 clients fails
 * the storm naming that line. The storm at its default size (5,000 clients) runs in the nightly tier.
 */
import { describe, expect, test } from '@jest/globals';
import type { Summary } from '../../harness/report/summary-types.js';
import { byName, errorFindings, runSuiteCli, type SuiteRun } from './cli-helpers.js';
import { nightlyTest } from '../helpers/tier.js';

const BUILT = [
  'harness/failover/scenarios/storm.ts',
  'harness/failover/scenarios/balancer-kill.ts',
  'harness/failover/scenarios/rolling-restart.ts',
  'harness/load/engine.ts',
  'harness/local/balancer-process.ts',
];
const STORM = 'reconnect storm';
const BALANCER_KILL = 'balancer killed';
const ROLLING = 'rolling restart';

const runFailover = (profile: string, pattern: string, timeoutMs: number): Promise<SuiteRun> =>
  runSuiteCli(profile, 'failover', ['-t', pattern], { built: BUILT, timeoutMs });

type Scenarios = Record<string, Record<string, unknown>>;
const scenarios = (s: Summary): Scenarios =>
  (s.metrics.failover as { scenarios: Scenarios } | undefined)?.scenarios ?? {};

interface StormRun {
  clients: number;
  recovered_ms: number | null;
  back: number;
  attempts: number;
  peak_attempts_per_s: number;
  per_second: unknown[];
}

describe('failover storm, balancer kill and rolling restart (CLI)', () => {
  // suites/failover.test.ts runs these three on the same profile in the quick tier; this CLI pass checks the figures.
  nightlyTest(
    'haproxy-roundrobin: the storm (300 clients, fixed vs jittered), balancer kill and rolling restart pass',
    async () => {
      const r = await runFailover(
        'fixtures/profiles/haproxy-roundrobin.yaml',
        `${STORM}|${BALANCER_KILL}|${ROLLING}`,
        330_000,
      );
      const names = [STORM, BALANCER_KILL, ROLLING];
      expect(
        names.map((n) => {
          const t = byName(r.tests, n);
          return { n, status: t.status, why: [...(t.failureMessages ?? []), ...errorFindings(t).map((f) => f.title)] };
        }),
      ).toEqual(names.map((n) => ({ n, status: 'passed', why: [] })));
      const m = scenarios(r.summary);
      for (const policy of ['fixed', 'jittered']) {
        const run = m['storm']![policy] as StormRun;
        expect(run).toMatchObject({ clients: 300, back: 300, recovered_ms: expect.any(Number) });
        expect(run.attempts).toBeGreaterThanOrEqual(300);
        expect(run.per_second.length).toBeGreaterThan(0);
      }
      expect(m['balancer-kill']).toMatchObject({
        balancer_down_ms: expect.any(Number),
        persistent_sessions: { sessions_survive: true, lost_while_cut_off: { qos1: 0 } },
      });
      expect((m['balancer-kill']!['reconnect_ms'] as number[]).length).toBe(30);
      const rolling = m['rolling-restart']!;
      expect(rolling['steps']).toHaveLength(3);
      expect(rolling['persistent_sessions']).toMatchObject({ sessions_survive: true, lost_while_cut_off: { qos1: 0 } });
      const after = rolling['placement_after'] as Record<string, number>;
      expect(Object.values(after).reduce((a, b) => a + b, 0)).toBe(30);
      // roundrobin leaves the node restarted last short; the finding names `balance roundrobin` and the remedy
      const imbalance = byName(r.tests, ROLLING).findings.find((f) => f.title.startsWith('placement after'));
      expect(imbalance).toBeDefined();
      if (imbalance!.severity === 'warning')
        expect(imbalance!.remedy).toMatch(/balance leastconn.*hash-type consistent/);
    },
    360_000,
  );

  test('frontend `maxconn 150` under a storm of 300 clients: the storm fails naming line 30', async () => {
    const r = await runFailover('fixtures/broken/failover-storm-low-maxconn.yaml', STORM, 150_000);
    expect(r.code).toBe(1);
    const storm = byName(r.tests, STORM);
    expect(storm.status).toBe('failed');
    expect(errorFindings(storm)[0]).toMatchObject({
      title: expect.stringMatching(/only 1[45]\d of 300 clients could connect before the reset: frontend maxconn 150/),
      line: 30,
      file: expect.stringMatching(/failover-storm-low-maxconn\.cfg$/),
      remedy: expect.stringMatching(/frontend `maxconn`/),
    });
  }, 180_000);

  nightlyTest(
    'the storm at its default size: 5,000 clients per policy through production-sized HAProxy, all back',
    async () => {
      const r = await runFailover('fixtures/profiles/haproxy-storm.yaml', STORM, 400_000);
      const storm = byName(r.tests, STORM);
      expect({ status: storm.status, why: errorFindings(storm).map((f) => f.title) }).toEqual({
        status: 'passed',
        why: [],
      });
      for (const policy of ['fixed', 'jittered'])
        expect(scenarios(r.summary)['storm']![policy]).toMatchObject({ clients: 5000, back: 5000 });
    },
    420_000,
  );
});
