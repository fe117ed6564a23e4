/**
 * The keepalive suite run like a user runs it: a `timeout client` below the keepalive fails both the
 * static check (naming the line) and the dynamic check (idle clients cut); a production config passes.
 */
import { describe, expect, test } from '@jest/globals';
import { byName, errorFindings, runSuiteCli, type SuiteRun } from './cli-helpers.js';
import { nightlyTest } from '../helpers/tier.js';

/** The keepalive suite through the CLI (bounded below the 120 s test timeout). */
const runKeepalive = (profile: string): Promise<SuiteRun> =>
  runSuiteCli(profile, 'keepalive', [], {
    built: ['suites/keepalive.test.ts', 'harness/keepalive/static-check.ts'],
    timeoutMs: 110_000,
  });

describe('keepalive suite through the CLI', () => {
  test('broken: `timeout client 5s` under a 10 s keepalive fails statically (line 18) and dynamically (clients cut at ~5 s)', async () => {
    const { code, tests, summary } = await runKeepalive('fixtures/broken/keepalive-short-timeout.yaml');
    expect(code).toBe(1);
    const stat = byName(tests, 'static');
    expect(stat.status).toBe('failed');
    expect(errorFindings(stat)[0]).toMatchObject({
      line: 18,
      title: expect.stringMatching(/`timeout client 5s` \(line 18\) is below 1\.5 × the MQTT keepalive/),
    });
    const dyn = byName(tests, 'dynamic');
    expect(dyn.status).toBe('failed');
    const cut = errorFindings(dyn)[0]!;
    expect(cut).toMatchObject({ line: 18 });
    expect(cut.detail).toMatch(/matches `timeout client 5s`/);
    const m = summary.metrics.keepalive as { dynamic: { cut_after_ms: number[] } };
    for (const ms of m.dynamic.cut_after_ms) expect(Math.abs(ms - 5000)).toBeLessThan(1500);
  }, 120_000);

  // suites/keepalive.test.ts runs this profile (the default one) in the quick tier, and both of its tests must pass
  // there; the run through the CLI is proven by the broken case above.
  nightlyTest(
    'good: the production roundrobin config (300 s vs keepalive 60 s) passes both checks',
    async () => {
      const { code, tests } = await runKeepalive('fixtures/profiles/haproxy-roundrobin.yaml');
      expect({ code, statuses: tests.map((t) => t.status) }).toEqual({ code: 0, statuses: ['passed', 'passed'] });
      expect(
        byName(tests, 'dynamic')
          .findings.map((f) => f.title)
          .join(' '),
      ).toMatch(/stayed connected/);
    },
    120_000,
  );
});
