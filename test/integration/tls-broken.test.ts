/**
 * The tls suite run like a user runs it (`mqtt-lb run … --suites tls`): each broken fixture fails the test that is
 * about its fault, with the finding that names the cause and the config line; the good fixtures (offload,
 * passthrough, mTLS) pass, and summary.json carries the handshake figures and certificate facts in metrics.tls.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { byName, errorFindings, failedTests, ROOT, runCli, skippedTests, type SuiteRun } from './cli-helpers.js';
import { runTls, runTlsBatch, tlsMetrics } from './tls-cli.js';
import { fromBatch } from '../helpers/cli-batch.js';
import { generatePki } from '../../harness/pki/pki.js';
import { nightlyTitle, quickRows } from '../helpers/tier.js';

/** The broken fixtures, in one `mqtt-lb run` (each profile still in its own Jest child and deployment). */
const BROKEN = {
  legacy: 'fixtures/broken/tls-legacy-versions.yaml',
  nullCiphers: 'fixtures/broken/tls-null-ciphers.yaml',
  expired: 'fixtures/broken/tls-expired-cert.yaml',
  wrongHost: 'fixtures/broken/tls-wrong-host.yaml',
};

describe('tls suite through the CLI: broken fixtures fail the right test', () => {
  let broken: Map<string, SuiteRun> | undefined;
  beforeAll(async () => {
    broken = await runTlsBatch(Object.values(BROKEN));
  }, 700_000);

  test('a frontend allowing TLS 1.0/1.1 → the protocol-version test fails naming the bind line; nothing else fails', () => {
    const { code, tests } = fromBatch(broken, BROKEN.legacy);
    expect(code).toBe(1);
    expect(failedTests(tests)).toEqual(['protocol versions']);
    const f = errorFindings(byName(tests, 'protocol versions'));
    expect(f.map((x) => x.title)).toEqual([
      expect.stringMatching(/accepts TLSv1 \(negotiated .+\); the policy allows TLSv1\.2–TLSv1\.3 only/),
      expect.stringMatching(/accepts TLSv1\.1 /),
    ]);
    expect(f[0]).toMatchObject({
      line: 28,
      file: expect.stringMatching(/fixtures\/broken\/tls-legacy-versions\.cfg$/),
      remedy: expect.stringMatching(/ssl-min-ver TLSv1\.2/),
    });
    expect(f[0]!.detail).toMatch(/ssl-min-ver TLSv1\.0 ciphers DEFAULT:@SECLEVEL=0/);
  });

  test('a frontend admitting NULL and anon suites → the cipher test fails naming the bind line; nothing else fails', () => {
    const { code, tests } = fromBatch(broken, BROKEN.nullCiphers);
    expect(code).toBe(1);
    expect(failedTests(tests)).toEqual(['cipher suites']);
    const f = errorFindings(byName(tests, 'cipher suites'));
    expect(f.map((x) => x.title)).toEqual([
      expect.stringMatching(/accepts NULL cipher suites \(chose .*NULL.*\)/),
      expect.stringMatching(/accepts anon cipher suites/),
    ]);
    expect(f[0]).toMatchObject({
      line: 28,
      file: expect.stringMatching(/tls-null-ciphers\.cfg$/),
      remedy: expect.stringMatching(/ssl-default-bind-ciphers/),
    });
  });

  test('an expired certificate → the certificate test fails (expired on …); verifying clients are refused with CERT_HAS_EXPIRED', () => {
    const { code, tests, summary } = fromBatch(broken, BROKEN.expired);
    expect(code).toBe(1);
    const cert = byName(tests, 'certificate');
    expect(cert.status).toBe('failed');
    expect(errorFindings(cert)).toEqual([
      expect.objectContaining({
        title: expect.stringMatching(
          /certificate of frontend 'emqx_ssl' \(offload\.cfg:47\) CN=mqtt-lb\.test.* expired on /,
        ),
        line: 47,
      }),
    ]);
    expect(errorFindings(byName(tests, 'mqtts with the CA'))[0]!.title).toMatch(
      /cannot connect .*: certificate has expired/,
    );
    // Policy and cost are not about the certificate: they pass, and the cost is still measured.
    for (const name of ['protocol versions', 'cipher suites', 'handshake cost'])
      expect(byName(tests, name).status).toBe('passed');
    expect(tlsMetrics(summary).certificates?.[0]).toMatchObject({ daysToExpiry: expect.any(Number) });
    expect(tlsMetrics(summary).certificates![0]!.daysToExpiry).toBeLessThan(0);
  });

  test('a certificate without the balancer\'s name → the certificate test fails (does not cover "mqtt-lb.test"); --insecure still works', () => {
    const { code, tests } = fromBatch(broken, BROKEN.wrongHost);
    expect(code).toBe(1);
    expect(failedTests(tests).sort()).toEqual(['certificate', 'mqtts with the CA']);
    expect(errorFindings(byName(tests, 'certificate'))).toEqual([
      expect.objectContaining({
        title: expect.stringMatching(/CN=wrong-host\.invalid.* does not cover the name "mqtt-lb\.test"/),
        line: 47,
      }),
    ]);
    expect(byName(tests, 'mosquitto_pub').status).toBe('passed');
  });
});

/**
 * Quick tier: mtls. offload is nightly: mtls.cfg is offload.cfg plus client verification, and its profile runs the
 * offload topology test and every other applicable one, with the same assertions. passthrough is nightly: the same
 * profile passes every applicable test in containers in docker-tls.test.ts, and the passthrough topology passes locally
 * through TS-proxy in tls-ts-proxy.test.ts (both quick).
 */
const GOOD = quickRows(
  [
    [
      'offload',
      ['passthrough', 'no client certificate', 'client certificate from an unknown CA', 'valid client certificate'],
    ],
    [
      'passthrough',
      ['offload', 'no client certificate', 'client certificate from an unknown CA', 'valid client certificate'],
    ],
    ['mtls', ['passthrough']],
  ] as const,
  ([name]) => name === 'mtls',
);
const GOOD_TITLE = '%s: every applicable test passes; metrics.tls has the handshake figures';

describe('tls suite through the CLI: good fixtures pass', () => {
  if (GOOD.skipped.length) test.skip.each(GOOD.skipped)(nightlyTitle(GOOD_TITLE), () => undefined);
  test.each(GOOD.run)(
    GOOD_TITLE,
    async (name, skipped) => {
      const { code, tests, summary, log } = await runTls(`fixtures/profiles/haproxy-tls-${name}.yaml`);
      expect({ code, failed: failedTests(tests) }).toEqual({ code: 0, failed: [] });
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
      expect(m.certificates?.[0]).toMatchObject({ sans: ['mqtt-lb.test', '127.0.0.1'], keyType: 'RSA', keySize: 2048 });
      process.stdout.write(
        `tls ${name}: ${m.handshakes_per_s} handshakes/s, p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms at concurrency ${m.concurrency}\n`,
      );
      expect(log).not.toMatch(/Error:/);
    },
    180_000,
  );
});

describe('tls suite through the CLI: your own certificate files', () => {
  test("pki: { ca, combined } → the config's own crt path is kept and used; the suite passes against it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-tls-own-'));
    try {
      const pki = await generatePki(path.join(dir, 'certs'), { serverNames: ['mqtt.own.test'], keyType: 'ec-p256' });
      const cfg = readFileSync(path.join(ROOT, 'fixtures/haproxy/tls/offload.cfg'), 'utf8').replace(
        '/etc/haproxy/certs/mqtt-lb.pem',
        pki.server.combined,
      );
      writeFileSync(path.join(dir, 'own.cfg'), cfg);
      writeFileSync(
        path.join(dir, 'own.yaml'),
        `balancer: { kind: haproxy, config: own.cfg }\ntls: { pki: { ca: certs/ca.crt, combined: certs/server.pem }, server_names: [mqtt.own.test] }\nsuites: [tls]\n`,
      );
      const { code, tests, summary } = await runTls(path.join(dir, 'own.yaml'));
      expect({ code, failed: failedTests(tests) }).toEqual({ code: 0, failed: [] });
      expect(summary.deployment?.balancer.config).toContain(`ssl crt ${pki.server.combined}`);
      expect(tlsMetrics(summary).certificates?.[0]).toMatchObject({
        sans: ['mqtt.own.test', '127.0.0.1'],
        keyType: 'EC',
        keySize: 256,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('tls profile errors stop the run before anything starts', () => {
  test('user PKI with a missing CA file → exit 2 naming the profile', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-tls-userpki-'));
    try {
      const profile = path.join(dir, 'p.yaml');
      writeFileSync(
        profile,
        `balancer: { kind: haproxy, config: ${path.join(ROOT, 'fixtures/haproxy/tls/offload.cfg')} }\ntls: { pki: { ca: missing-ca.pem } }\nsuites: [tls]\n`,
      );
      const r = await runCli(['run', '--profile', profile, '--suites', 'tls', '--out', path.join(dir, 'out')], {
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/p\.yaml: user PKI is not usable:\n- ca .*missing-ca\.pem: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
