/**
 * The fault hop on the docker runtime through the CLI, like a user runs it: the hardened production HAProxy config in
 * a container, a TS-proxy hop container per node between it and the stand-in node containers; the partition and
 * slow-node scenarios pass (delay comes only from the hop on a kernel without netem), the receipts and the report
 * name the hop containers, the balancer's upstreams are the hop aliases, and the run leaves no hop container behind;
 * lossy-link's loss is iptables inside the hop container's namespace. Nightly (about 1.5 min of containers each);
 * skipped with the reason without a Docker engine or the built images.
 */
import { describe, expect, test } from '@jest/globals';
import '../../harness/docker/env.js';
import { docker, dockerAvailable, missingImages, ownerProcessAlive } from '../../harness/docker/engine.js';
import { BUILD_IMAGES_HINT, IMAGES } from '../../harness/docker/images.js';
import type { FailoverMetrics, Summary } from '../../harness/report/summary-types.js';
import { runSuiteCli } from './cli-helpers.js';
import { nightlyTest } from '../helpers/tier.js';

const PROFILE = 'fixtures/profiles/docker-haproxy-production-hop.yaml';
const BUILT = ['harness/netfault/hop/docker-hop.ts', 'harness/netfault/hop/hop-set.ts', 'harness/docker/runtime.ts'];

const engine = await dockerAvailable(1500);
const missing = engine.ok ? await missingImages([IMAGES.redis, IMAGES.haproxy, IMAGES.standin, IMAGES.tsProxy]) : [];
const skipReason = !engine.ok
  ? `no Docker engine answers (${engine.reason}); start one: bash scripts/docker/start-dockerd.sh`
  : missing.length
    ? `images missing: ${missing.join(', ')}; run ${BUILD_IMAGES_HINT}`
    : '';
if (skipReason) console.warn(`[netfault-docker-hop] SKIPPED: ${skipReason}`);

type NetMetrics = FailoverMetrics & Record<string, unknown>;

function scenario(s: Summary, name: string): NetMetrics {
  const m = (s.metrics.failover as { scenarios: Record<string, NetMetrics> } | undefined)?.scenarios[name];
  if (!m) throw new Error(`summary.json has no metrics.failover.scenarios.${name}`);
  return m;
}

/** Hop containers (`mqtt-lb-<run>-hop-<node>`) whose run's owner process is gone: what a run left behind. */
async function leftoverHops(): Promise<string[]> {
  const all = await docker().listContainers({ all: true, filters: { name: ['-hop-node'] } });
  return all.filter((c) => !ownerProcessAlive('', c.Labels)).map((c) => c.Names.join(','));
}

describe('network scenarios through the fault hop on docker (CLI)', () => {
  if (skipReason) {
    test.skip(`docker hop: partition and slow-node through HAProxy (skipped: ${skipReason})`, () => undefined);
    return;
  }
  nightlyTest(
    'docker hop, hardened production HAProxy config: partition and slow-node pass, receipts name the hop containers',
    async () => {
      const r = await runSuiteCli(PROFILE, 'failover', ['-t', 'partition the balancer|slow node'], {
        built: BUILT,
        timeoutMs: 280_000,
      });
      expect({
        code: r.code,
        failed: r.tests.filter((t) => t.status === 'failed').map((t) => `${t.name}: ${t.failureMessages?.join(' ')}`),
        passed: r.tests.filter((t) => t.status === 'passed').length,
      }).toEqual({ code: 0, failed: [], passed: 2 });
      const d = r.summary.deployment;
      expect(d?.runtime).toBe('docker');
      expect(d?.endpoints['fault hop']).toMatch(/^TS-proxy hop containers on mqtt-lb-/);
      expect(d?.balancer.mapping.map((m) => m.mapped)).toEqual(['hop-node1:1883', 'hop-node2:1883', 'hop-node3:1883']);
      const p = scenario(r.summary, 'partition');
      expect(p.mechanism).toMatch(/^TS-proxy hop container mqtt-lb-\S+-hop-node\d .*partition at the TS-proxy hop/);
      expect(p.detection_ms).toEqual(expect.any(Number));
      expect(p.timeline?.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['fault', 'marked-down']));
      const slow = scenario(r.summary, 'slow-node');
      expect(slow.mechanism).toMatch(/^TS-proxy hop container .*latency from the TS-proxy hop/);
      expect(slow.latency_ms).toMatchObject({ p99: expect.any(Number) });
      expect(slow.taken_out).toBe(false);
      expect(await leftoverHops()).toEqual([]);
    },
    300_000,
  );

  // Loss is the kernel's, in the hop container's namespace; the verdict (delivery p99 under 10 % loss) depends on the
  // machine's load (p99 1.6 s idle, 7 s at load 16 against the 3 s threshold), so only the mechanism is asserted.
  nightlyTest(
    "docker hop: lossy link's loss is iptables inside the hop container's namespace, on the hop's address",
    async () => {
      const r = await runSuiteCli(PROFILE, 'failover', ['-t', 'lossy link'], { built: BUILT, timeoutMs: 280_000 });
      const lossy = scenario(r.summary, 'lossy-link');
      expect(lossy.mechanism).toMatch(
        /^TS-proxy hop container (\S+) .*iptables \(chain MQTTLB-\w+ in the hop container \1's namespace\) on the TS-proxy hop's address of node\d/,
      );
      expect(lossy.latency_ms).toMatchObject({ deliveries: expect.any(Number) });
      expect(await leftoverHops()).toEqual([]);
    },
    300_000,
  );
});
