/**
 * The failover suite's network scenarios through the fault hop (partition, slow-node, lossy-link), through the CLI
 * like a user runs them: each broken fixture fails its scenario for the stated reason with the config line named; the
 * hardened production HAProxy config passes all three and leaves its figures in summary.json; a profile without the
 * hop skips them with the reason.
 */
import { describe, expect, test } from '@jest/globals';
import type { FailoverMetrics, Summary } from '../../harness/report/summary-types.js';
import { byName, errorFindings, runSuiteCli, type SuiteRun } from './cli-helpers.js';
import { nightlyTest } from '../helpers/tier.js';

const NET_TESTS = 'partition the balancer|slow node|lossy link';
const BUILT = ['suites/failover.test.ts', 'harness/failover/net-findings.ts', 'harness/netfault/hop/local-hop.ts'];

const runNet = (profile: string, pattern = NET_TESTS): Promise<SuiteRun> =>
  runSuiteCli(profile, 'failover', ['-t', pattern], { built: BUILT, timeoutMs: 280_000 });

type NetMetrics = FailoverMetrics & Record<string, unknown>;

function scenario(s: Summary, name: string): NetMetrics {
  const m = (s.metrics.failover as { scenarios: Record<string, NetMetrics> } | undefined)?.scenarios[name];
  if (!m) throw new Error(`summary.json has no metrics.failover.scenarios.${name}`);
  return m;
}

describe('network scenarios through the fault hop (CLI)', () => {
  test('hardened production HAProxy config: partition, slow-node and lossy-link pass, figures in summary.json', async () => {
    const r = await runNet('fixtures/profiles/haproxy-production-hop.yaml');
    expect({
      code: r.code,
      failed: r.tests.filter((t) => t.status === 'failed').map((t) => `${t.name}: ${t.failureMessages?.join(' ')}`),
    }).toEqual({ code: 0, failed: [] });
    const p = scenario(r.summary, 'partition');
    expect(p.detection_ms).toEqual(expect.any(Number));
    expect(p.mechanism).toMatch(/TS-proxy hop/);
    expect(p.timeline?.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['fault', 'marked-down']));
    const slow = scenario(r.summary, 'slow-node');
    expect(slow.mechanism).toMatch(/latency from the TS-proxy hop/);
    expect(slow.latency_ms).toMatchObject({ p99: expect.any(Number) });
    expect(slow.taken_out).toBe(false);
    const lossy = scenario(r.summary, 'lossy-link');
    expect(lossy.mechanism).toMatch(/iptables .* hop's address/);
    expect(lossy.latency_ms).toMatchObject({ p99: expect.any(Number) });
  }, 300_000);

  test('partition, no `timeout check` and inter 5s fall 3: slow detection, naming the check line', async () => {
    const r = await runNet('fixtures/broken/netfault-partition-slow-detection.yaml', 'partition the balancer');
    expect(r.code).toBe(1);
    const t = byName(r.tests, 'partition the balancer');
    expect(t.status).toBe('failed');
    expect(errorFindings(t)[0]).toMatchObject({
      title: expect.stringMatching(/did not mark node\d DOWN after the partition|marked DOWN .* after the partition/),
      line: 22,
      detail: expect.stringMatching(/fall 3 \(line 22\) × \(inter 5 s \(line 22\) \+ check timeout = inter 5 s/),
      remedy: expect.stringMatching(/timeout check/),
    });
  }, 300_000);

  // The verdicts on these two fixtures are unit-tested (harness/failover/net-findings.test.ts); the CLI runs are nightly.
  nightlyTest(
    'slow node, inter 300ms without timeout check: the working node is taken out and its sessions cut, naming the line',
    async () => {
      const r = await runNet('fixtures/broken/netfault-slow-node-short-inter.yaml', 'slow node');
      expect(r.code).toBe(1);
      const t = byName(r.tests, 'slow node');
      expect(t.status).toBe('failed');
      expect(errorFindings(t)[0]).toMatchObject({
        title: expect.stringMatching(/took the working node\d out .* and cut \d+ of its \d+ client session/),
        line: 21,
        detail: expect.stringMatching(
          /check timeout = inter 0\.3 s \(no `timeout check`, line 21\) is below the node's answer/,
        ),
        remedy: expect.stringMatching(/timeout check.*observe layer4/),
      });
      expect(scenario(r.summary, 'slow-node').taken_out).toBe(true);
    },
    300_000,
  );

  nightlyTest(
    'lossy link, timeout check 200ms fall 1: the lossy node flaps out and its sessions are cut, naming the line',
    async () => {
      const r = await runNet('fixtures/broken/netfault-lossy-link-fragile-check.yaml', 'lossy link');
      expect(r.code).toBe(1);
      const t = byName(r.tests, 'lossy link');
      expect(t.status).toBe('failed');
      expect(errorFindings(t)[0]).toMatchObject({
        title: expect.stringMatching(/took the working node\d out .* packet loss/),
        line: 14,
        detail: expect.stringMatching(/check timeout 0\.2 s \(line 14\) × fall 1 \(line 21\)/),
        remedy: expect.stringMatching(/timeout check 2s/),
      });
    },
    300_000,
  );

  // The same three scenarios with TS-proxy as the balancer (health timeout 1 s, fall 2, on_marked_down): they pass.
  nightlyTest(
    'TS-proxy with the fault hop: partition, slow-node and lossy-link pass',
    async () => {
      const r = await runNet('fixtures/profiles/ts-proxy-roundrobin-hop.yaml');
      expect(r.tests.filter((t) => t.status === 'failed').map((t) => t.name)).toEqual([]);
      expect(scenario(r.summary, 'partition').detection_ms).toEqual(expect.any(Number));
    },
    300_000,
  );

  test('TS-proxy profile without the hop: the network scenarios are skipped with the reason', async () => {
    const r = await runNet('fixtures/profiles/ts-proxy-roundrobin.yaml');
    for (const name of ['partition the balancer', 'slow node', 'lossy link']) {
      const t = byName(r.tests, name);
      expect({ name, status: t.status, reason: t.skipReason }).toEqual({
        name,
        status: 'skipped',
        reason: expect.stringMatching(/fault hop is off: set `faults: \{ hop: true \}`/),
      });
    }
  }, 300_000);
});
