/**
 * The tls suite on the docker runtime (`mqtt-lb run … --runtime docker --suites tls`): the passthrough check reaches
 * each node's TLS listener through its published port (NodeInfo.mqtts; the node alias resolves only inside the run
 * network), the offload check reaches each upstream through the node's published port, and TS-proxy serves the run's
 * PKI copied into its container. Skipped — with the reason printed and in the test names — without an engine or images.
 */
import { describe, expect, test } from '@jest/globals';
import '../../harness/docker/env.js';
import { dockerAvailable, missingImages } from '../../harness/docker/engine.js';
import { BUILD_IMAGES_HINT, IMAGES } from '../../harness/docker/images.js';
import { failedTests, skippedTests } from './cli-helpers.js';
import { runTlsBatch, tlsMetrics } from './tls-cli.js';
import { nightlyTitle, quickRows } from '../helpers/tier.js';
import { fromBatch, sharedBatch } from '../helpers/cli-batch.js';

const engine = await dockerAvailable(1500);
const missing = engine.ok ? await missingImages([IMAGES.redis, IMAGES.haproxy, IMAGES.standin, IMAGES.tsProxy]) : [];
const skipReason = !engine.ok
  ? `no Docker engine answers (${engine.reason}); start one: bash scripts/docker/start-dockerd.sh`
  : missing.length
    ? `images missing: ${missing.join(', ')}; run ${BUILD_IMAGES_HINT}`
    : '';
if (skipReason) console.warn(`[docker-tls] SKIPPED: ${skipReason}`);
const suite = skipReason ? describe.skip : describe;
const title = (what: string): string => (skipReason ? `${what} (skipped: ${skipReason})` : what);
const MTLS_TESTS = ['no client certificate', 'client certificate from an unknown CA', 'valid client certificate'];

/**
 * Quick tier: haproxy-tls-passthrough (the passthrough check through the nodes' published ports, which is
 * balancer-neutral) and ts-proxy-tls-mtls (the offload topology plus client verification: its offload test reaches the
 * upstreams through the published ports, with the run's PKI and client CA copied into the TS-proxy container).
 * ts-proxy-tls-passthrough and ts-proxy-tls-offload repeat those paths with another balancer or one setting less:
 * nightly (TS-proxy's own passthrough mapping runs locally in tls-ts-proxy.test.ts).
 */
const PROFILES = quickRows(
  [
    ['haproxy-tls-passthrough', ['offload', ...MTLS_TESTS], /mqtt-lb\/haproxy/],
    ['ts-proxy-tls-passthrough', ['offload', ...MTLS_TESTS], /mqtt-lb\/ts-proxy/],
    ['ts-proxy-tls-offload', ['passthrough', ...MTLS_TESTS], /mqtt-lb\/ts-proxy/],
    ['ts-proxy-tls-mtls', ['passthrough'], /mqtt-lb\/ts-proxy/],
  ] as const,
  ([profile]) => profile === 'haproxy-tls-passthrough' || profile === 'ts-proxy-tls-mtls',
);
const TITLE = '%s passes every applicable test in containers';
const file = (profile: string): string => `fixtures/profiles/${profile}.yaml`;
/** The profiles of this tier in one `mqtt-lb run --runtime docker` (each still in its own Jest child and containers). */
const runs = sharedBatch(() =>
  runTlsBatch(
    PROFILES.run.map(([profile]) => file(profile)),
    ['--runtime', 'docker'],
  ),
);

suite(title('tls suite on the docker runtime (CLI)'), () => {
  if (PROFILES.skipped.length) test.skip.each(PROFILES.skipped)(nightlyTitle(TITLE), () => undefined);
  test.each(PROFILES.run)(
    TITLE,
    async (profile, skipped, image) => {
      const { code, tests, summary } = fromBatch(await runs(), file(profile));
      expect(summary.deployment?.runtime).toBe('docker');
      expect(summary.deployment?.balancer.version).toMatch(image);
      expect({ code, failed: failedTests(tests) }).toEqual({ code: 0, failed: [] });
      expect(skippedTests(tests)).toEqual(skipped);
      const m = tlsMetrics(summary);
      expect(m.certificates?.[0]).toMatchObject({ sans: ['mqtt-lb.test', '127.0.0.1'] });
      process.stdout.write(
        `[docker-tls] ${profile}: ${m.handshakes_per_s} handshakes/s, p99 ${m.p99_ms} ms; startup ${summary.deployment?.startup_ms} ms, run ${Date.parse(summary.run.finished) - Date.parse(summary.run.started)} ms\n`,
      );
    },
    180_000 * PROFILES.run.length,
  );
});
