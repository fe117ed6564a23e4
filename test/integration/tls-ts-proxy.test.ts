/**
 * The tls suite through TS-proxy, run like a user runs it (`mqtt-lb run … --suites tls`): the TS-proxy offload,
 * passthrough and mTLS profiles pass every applicable test (the proxy's certificate paths mapped to the run's PKI),
 * and a TS-proxy frontend that allows TLS 1.0/1.1 fails the protocol-policy test — only that one — with findings
 * naming its `tls:` block and the TS-proxy setting to change.
 */
import { describe, expect, test } from '@jest/globals';
import { byName, errorFindings, failedTests, skippedTests } from './cli-helpers.js';
import { runTls, runTlsBatch, tlsMetrics } from './tls-cli.js';
import { nightlyTitle, quickRows } from '../helpers/tier.js';
import { fromBatch, sharedBatch } from '../helpers/cli-batch.js';

const MTLS_TESTS = ['no client certificate', 'client certificate from an unknown CA', 'valid client certificate'];

/**
 * offload is nightly: the mtls profile is the offload topology plus client verification (fixtures/ts-proxy/tls-*.yaml);
 * it runs the offload test and every other applicable one, with the same assertions, in the quick tier.
 */
const GOOD = quickRows(
  [
    ['offload', ['passthrough', ...MTLS_TESTS], 'the balancer'],
    ['passthrough', ['offload', ...MTLS_TESTS], 'the nodes'],
    ['mtls', ['passthrough'], 'the balancer'],
  ] as const,
  ([name]) => name !== 'offload',
);
const GOOD_TITLE = '%s: every applicable test passes; metrics.tls has the handshake figures';
const goodProfile = (name: string): string => `fixtures/profiles/ts-proxy-tls-${name}.yaml`;
/** The quick tier's good profiles in one `mqtt-lb run` (each still in its own Jest child and deployment). */
const goodRuns = sharedBatch(() => runTlsBatch(GOOD.run.map(([name]) => goodProfile(name))));

describe('tls suite through TS-proxy (CLI): good profiles pass', () => {
  if (GOOD.skipped.length) test.skip.each(GOOD.skipped)(nightlyTitle(GOOD_TITLE), () => undefined);
  test.each(GOOD.run)(
    GOOD_TITLE,
    async (name, skipped, servedBy) => {
      const { code, tests, summary, log } = fromBatch(await goodRuns(), goodProfile(name));
      expect({ code, failed: failedTests(tests) }).toEqual({ code: 0, failed: [] });
      expect(summary.deployment?.balancer.kind).toBe('ts-proxy');
      expect(skippedTests(tests)).toEqual(skipped);
      expect(tests.filter((t) => t.status === 'skipped').every((t) => (t.skipReason ?? '').length > 10)).toBe(true);
      const m = tlsMetrics(summary);
      expect(m).toMatchObject({
        concurrency: 4,
        handshakes_per_s: expect.any(Number),
        p50_ms: expect.any(Number),
        p99_ms: expect.any(Number),
      });
      expect(m.handshakes_per_s).toBeGreaterThan(50);
      expect(m.negotiated?.map((n) => n.version)).toEqual(['TLSv1.2', 'TLSv1.3']);
      expect(m.certificates?.[0]).toMatchObject({
        role: `served by ${servedBy}`,
        sans: ['mqtt-lb.test', '127.0.0.1'],
        keyType: 'RSA',
        keySize: 2048,
      });
      if (name !== 'passthrough') {
        // The user's production certificate paths were replaced by the run's PKI in the config as run.
        expect(summary.deployment?.balancer.config).not.toContain('/etc/ts-proxy/certs/');
      }
      process.stdout.write(
        `tls ts-proxy ${name}: ${m.handshakes_per_s} handshakes/s, p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms at concurrency ${m.concurrency}; run ${Date.parse(summary.run.finished) - Date.parse(summary.run.started)} ms\n`,
      );
      expect(log).not.toMatch(/Error:/);
    },
    180_000 * GOOD.run.length,
  );
});

describe('tls suite through TS-proxy (CLI): a broken fixture fails the right test', () => {
  test('min_version: TLSv1 with @SECLEVEL=0 → only the protocol-version test fails, naming the tls: block and min_version', async () => {
    const { code, tests } = await runTls('fixtures/broken/ts-proxy-tls-legacy-versions.yaml');
    expect(code).toBe(1);
    expect(failedTests(tests)).toEqual(['protocol versions']);
    const f = errorFindings(byName(tests, 'protocol versions'));
    expect(f.map((x) => x.title)).toEqual([
      expect.stringMatching(
        /^frontend 'mqtts' \(ts-proxy-tls-legacy-versions\.proxy\.yaml:15\) accepts TLSv1 \(negotiated .+\); the policy allows TLSv1\.2–TLSv1\.3 only/,
      ),
      expect.stringMatching(/accepts TLSv1\.1 /),
    ]);
    expect(f[0]).toMatchObject({
      line: 15,
      file: expect.stringMatching(/fixtures\/broken\/ts-proxy-tls-legacy-versions\.proxy\.yaml$/),
      remedy: expect.stringMatching(/tls\.min_version: TLSv1\.2/),
    });
    expect(f[0]!.detail).toMatch(/min_version: TLSv1, ciphers: "DEFAULT:@SECLEVEL=0"/);
  }, 180_000);
});
