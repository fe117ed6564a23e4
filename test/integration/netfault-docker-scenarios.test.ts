/**
 * The failover suite's network scenarios on the docker runtime, through the CLI like a user runs them: iptables rules
 * in the node container's own namespace cut its link to the balancer container (every port, health checks included)
 * while the harness still observes the node directly. Quick tier: the partition through the HAProxy container (with
 * the hardened production config). Nightly: lossy-link and the reconnect storm through HAProxy, all three through the
 * TS-proxy container. Skipped with the reason when no engine answers, an image is missing or the kernel lacks the rules.
 */
import { describe, expect, test } from '@jest/globals';
import '../../harness/docker/env.js';
import { dockerAvailable, missingImages } from '../../harness/docker/engine.js';
import { BUILD_IMAGES_HINT, IMAGES } from '../../harness/docker/images.js';
import { netFaultAbilities } from '../../harness/netfault/availability.js';
import { facilities } from '../../harness/netfault/probe.js';
import type { FailoverMetrics, Summary } from '../../harness/report/summary-types.js';
import { byName, runSuiteCli, type SuiteRun } from './cli-helpers.js';
import { nightlyTest } from '../helpers/tier.js';

const HAPROXY = 'fixtures/profiles/docker-haproxy-production.yaml';
const TS_PROXY = 'fixtures/profiles/docker-ts-proxy-production.yaml';
const BUILT = ['suites/failover.test.ts', 'harness/docker/cluster.ts', 'harness/netfault/iptables-rules.ts'];

const engine = await dockerAvailable(1500);
const ability = netFaultAbilities('docker', await facilities());
const missing = engine.ok ? await missingImages([IMAGES.redis, IMAGES.haproxy, IMAGES.standin, IMAGES.tsProxy]) : [];
const skipReason = !engine.ok
  ? `no Docker engine answers (${engine.reason}); start one: bash scripts/docker/start-dockerd.sh`
  : missing.length
    ? `images missing: ${missing.join(', ')}; run ${BUILD_IMAGES_HINT}`
    : ability.partition !== true
      ? ability.partition
      : ability.loss !== true
        ? ability.loss
        : '';
if (skipReason) process.stderr.write(`[netfault-docker-scenarios] SKIPPED: ${skipReason}\n`);
const suite = skipReason ? describe.skip : describe;
const title = (what: string): string => (skipReason ? `${what} (skipped: ${skipReason})` : what);

/** Where a slow node's delay would come from here: netem in the node's namespace, or the skip reason. */
const SLOW = ability.delay === true ? '' : '|slow node';

const run = (profile: string, pattern: string, timeoutMs: number): Promise<SuiteRun> =>
  runSuiteCli(profile, 'failover', ['-t', pattern], { built: BUILT, timeoutMs });

type NetMetrics = FailoverMetrics & Record<string, unknown>;

function scenario(s: Summary, name: string): NetMetrics {
  const m = (s.metrics.failover as { scenarios: Record<string, NetMetrics> } | undefined)?.scenarios[name];
  if (!m) throw new Error(`summary.json has no metrics.failover.scenarios.${name}`);
  return m;
}

const failed = (r: SuiteRun): string[] =>
  r.tests.filter((t) => t.status === 'failed').map((t) => `${t.name}: ${(t.failureMessages ?? []).join(' ')}`);

/** The receipt names the rules, the node container's namespace and the balancer's address on the run network. */
function expectLinkReceipt(m: NetMetrics): void {
  expect(m.mechanism).toMatch(
    new RegExp(
      `^iptables \\(chain MQTTLB-[0-9a-f]{8} in ${String(m.node)}'s container namespace, link to the balancer \\d+\\.\\d+\\.\\d+\\.\\d+\\)$`,
    ),
  );
}

/** Without netem here, the slow node is skipped with the kernel's reason (the link itself is met on docker). */
function expectSlowNodeSkipped(r: SuiteRun): void {
  if (ability.delay === true) return;
  const t = byName(r.tests, 'slow node');
  expect({ status: t.status, reason: t.skipReason }).toEqual({ status: 'skipped', reason: ability.delay });
}

suite('network scenarios on the docker runtime (CLI)', () => {
  test(
    title('HAProxy container, hardened production config: the partition passes, cut at the link to the balancer'),
    async () => {
      const r = await run(HAPROXY, `partition the balancer${SLOW}`, 140_000);
      expect({ code: r.code, failed: failed(r) }).toEqual({ code: 0, failed: [] });
      const p = scenario(r.summary, 'partition');
      expectLinkReceipt(p);
      expect(p.detection_ms).toEqual(expect.any(Number));
      expect(p.timeline?.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['fault', 'marked-down']));
      expectSlowNodeSkipped(r);
    },
    150_000,
  );

  nightlyTest(
    title('HAProxy container: lossy-link and the reconnect storm pass'),
    async () => {
      const r = await run(HAPROXY, 'lossy link|reconnect storm', 200_000);
      expect({ code: r.code, failed: failed(r) }).toEqual({ code: 0, failed: [] });
      expectLinkReceipt(scenario(r.summary, 'lossy-link'));
      expect(scenario(r.summary, 'lossy-link').latency_ms).toMatchObject({ p99: expect.any(Number) });
    },
    210_000,
  );

  nightlyTest(
    title('TS-proxy container: partition, lossy-link and the reconnect storm pass'),
    async () => {
      const r = await run(TS_PROXY, `partition the balancer|lossy link|reconnect storm${SLOW}`, 260_000);
      expect({ code: r.code, failed: failed(r) }).toEqual({ code: 0, failed: [] });
      expectLinkReceipt(scenario(r.summary, 'partition'));
      expectLinkReceipt(scenario(r.summary, 'lossy-link'));
      expect(scenario(r.summary, 'partition').detection_ms).toEqual(expect.any(Number));
      expectSlowNodeSkipped(r);
    },
    270_000,
  );
});
