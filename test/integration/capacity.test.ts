/**
 * The capacity suite run like a user runs it: per-server `maxconn 50` (150 slots) under a profile that needs 300
 * connections → the knee at 150 and line 24 named, quickly (≤ 400 connections). Pushed past ~10k through HAProxy
 * without a `maxconn`, it names the balancer's open-files limit (10,500 connections: nightly tier).
 */
import { describe, expect, test } from '@jest/globals';
import { byName, errorFindings, runSuiteCli, type SuiteRun } from './cli-helpers.js';
import { nightlyTest } from '../helpers/tier.js';

const runCapacity = (profile: string, timeoutMs: number): Promise<SuiteRun> =>
  runSuiteCli(profile, 'capacity', [], {
    built: ['suites/capacity.test.ts', 'harness/capacity/limits.ts', 'harness/capacity/ramp.ts'],
    timeoutMs,
  });

interface CapacityMetrics {
  connections: { knee: { plateau: number }; limit: { kind: string; line?: number } | null };
}

describe('capacity suite through the CLI', () => {
  test('per-server `maxconn 50`: the knee at 150 connections names line 24 and fails the profile needing 300', async () => {
    const { code, tests, summary } = await runCapacity('fixtures/broken/capacity-server-maxconn-50.yaml', 80_000);
    expect(code).toBe(1);
    const conns = byName(tests, 'connections');
    expect(conns.status).toBe('failed');
    expect(errorFindings(conns)[0]).toMatchObject({
      line: 24,
      title: expect.stringMatching(/^Knee at 1[45]\d concurrent connections .* maxconn 50 on each of 3 servers = 150/),
      remedy: expect.stringMatching(/per-server `maxconn`/),
    });
    expect(errorFindings(conns)[0]!.detail).toMatch(/queued connects wait up to 5000 ms \(line 13/);
    const m = summary.metrics.capacity as unknown as CapacityMetrics;
    expect(m.connections.limit).toMatchObject({ kind: 'server-maxconn', line: 24 });
    // Below the knee the connect rate is not limited by the config: that test passes with its knee (or none).
    expect(byName(tests, 'connect rate').status).toBe('passed');
  }, 90_000);

  nightlyTest(
    'past ~10k through HAProxy without maxconn: the knee just under 10,000 names the balancer process open-files limit',
    async () => {
      const { tests, summary } = await runCapacity('fixtures/profiles/haproxy-capacity-open-files.yaml', 400_000);
      const conns = byName(tests, 'connections');
      expect(conns.findings[0]!.title).toMatch(/first limit reached is the balancer process's open-files limit 20000/);
      const m = summary.metrics.capacity as unknown as CapacityMetrics;
      expect(m.connections.limit?.kind).toBe('balancer-open-files');
      expect(m.connections.knee.plateau).toBeGreaterThan(9500);
      expect(m.connections.knee.plateau).toBeLessThanOrEqual(10_000);
    },
    420_000,
  );
});
