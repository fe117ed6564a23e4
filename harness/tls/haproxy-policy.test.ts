/**
 * TLS policy of a real HAProxy 2.6 (Debian 12, OpenSSL 3) in mode tcp, in front of an aedes broker.
 * Recorded here as facts about this platform:
 *  - default bind (no ssl-min-ver): TLS 1.0/1.1 refused with a protocol_version alert (HAProxy ≥2.2 default min TLSv1.2);
 *  - `ssl-min-ver TLSv1.0` alone: TLS 1.0/1.1 still refused, with an internal_error alert (OpenSSL 3's default security
 *    level forbids the MD5/SHA-1 signatures of TLS < 1.2);
 *  - `ssl-min-ver TLSv1.0 ciphers ALL:eNULL:@SECLEVEL=0` (the "broken" fixture): TLS 1.0/1.1 and NULL/anon ciphers accepted.
 */
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePki, type Pki } from '../pki/pki.js';
import { localClientCapabilities, probeProtocolVersions, probeWeakCiphers, type ProbeTarget } from './policy.js';
import { cipherFindings, protocolFindings } from './policy-findings.js';
import { measureHandshakes } from './handshake-bench.js';
import { startAedes, type RunningServer } from '../../test/helpers/tls-backends.js';
import { freePort, startHaproxy, type HaproxyProcess } from '../../test/helpers/haproxy-process.js';
import { haproxyTlsConfig } from '../../test/helpers/haproxy-tls-config.js';

let dir: string;
let pki: Pki;
let broker: RunningServer;
let haproxy: HaproxyProcess | undefined;
const port: Record<string, number> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-hap-policy-'));
  pki = await generatePki(join(dir, 'pki'), { serverNames: ['localhost'] });
  broker = await startAedes();
  for (const name of ['dflt', 'min12', 'min10', 'broken']) port[name] = await freePort();
  const crt = `ssl crt ${pki.server.combined}`;
  const config = haproxyTlsConfig(broker.port, {
    dflt: { port: port.dflt!, bind: crt },
    min12: { port: port.min12!, bind: `${crt} ssl-min-ver TLSv1.2` },
    min10: { port: port.min10!, bind: `${crt} ssl-min-ver TLSv1.0` },
    broken: { port: port.broken!, bind: `${crt} ssl-min-ver TLSv1.0 ciphers ALL:eNULL:@SECLEVEL=0` },
  });
  haproxy = await startHaproxy(dir, config, Object.values(port));
});
afterAll(async () => {
  await haproxy?.stop();
  await broker?.close();
  await rm(dir, { recursive: true, force: true });
});

const target = (name: string): ProbeTarget => ({ host: '127.0.0.1', port: port[name]!, ca: pki.ca, timeoutMs: 3000 });
const verdicts = (ps: Array<{ verdict: string }>) => ps.map((p) => p.verdict);

describe('probeProtocolVersions through HAProxy 2.6', () => {
  test('default bind and ssl-min-ver TLSv1.2: only TLS 1.2 and 1.3', async () => {
    for (const fe of ['dflt', 'min12']) {
      const probes = await probeProtocolVersions(target(fe));
      expect(probes.map((p) => p.version)).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
      expect(verdicts(probes)).toEqual(['refused', 'refused', 'accepted', 'accepted']);
      expect(probes[0]!.errorCode).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
      expect(probes[2]!.cipher).toMatch(/^ECDHE-RSA-AES\d+-GCM/);
      expect(probes[3]!.cipher).toMatch(/^TLS_/);
      expect(protocolFindings(probes)).toEqual([]);
    }
  });

  test('ssl-min-ver TLSv1.0 alone: OpenSSL 3 security level still refuses TLS 1.0/1.1 (internal_error)', async () => {
    const probes = await probeProtocolVersions(target('min10'));
    expect(verdicts(probes)).toEqual(['refused', 'refused', 'accepted', 'accepted']);
    expect(probes[0]!.errorCode).toBe('ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR');
  });

  test('the broken fixture (ssl-min-ver TLSv1.0 + @SECLEVEL=0) accepts TLS 1.0 and 1.1 → error findings', async () => {
    const probes = await probeProtocolVersions(target('broken'));
    expect(verdicts(probes)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect(probes.map((p) => p.protocol)).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    const findings = protocolFindings(probes, 'frontend broken');
    expect(findings.map((f) => [f.severity, f.title])).toEqual([
      ['error', expect.stringMatching(/^frontend broken accepts TLSv1 \(/)],
      ['error', expect.stringMatching(/^frontend broken accepts TLSv1\.1 \(/)],
    ]);
    expect(findings[0]!.remedy).toMatch(/ssl-min-ver TLSv1\.2/);
  });

  test('an unreachable port is "unreachable", not "refused"', async () => {
    const probes = await probeProtocolVersions({ host: '127.0.0.1', port: await freePort(), timeoutMs: 1000 });
    expect(new Set(verdicts(probes))).toEqual(new Set(['unreachable']));
  });
});

describe('probeWeakCiphers through HAProxy 2.6', () => {
  test('what this client can offer at all (OpenSSL 3: no RC4, DES, 3DES, EXPORT)', () => {
    const caps = localClientCapabilities();
    console.info(`client OpenSSL ${caps.openssl}; weak families offerable: ${JSON.stringify(caps.cipherFamilies)}`);
    expect(caps.cipherFamilies).toMatchObject({ NULL: true, anon: true });
  });

  test('default bind refuses NULL and anon; the rest is not testable from this client', async () => {
    const probes = await probeWeakCiphers(target('dflt'));
    for (const p of probes) {
      if (p.offerable)
        expect([p.family, p.verdict, p.errorCode]).toEqual([
          p.family,
          'refused',
          'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
        ]);
      else expect([p.family, p.verdict]).toEqual([p.family, 'not-testable']);
    }
    const findings = cipherFindings(probes);
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(findings.filter((f) => f.severity === 'info').length).toBe(probes.filter((p) => !p.offerable).length);
  });

  test('the broken fixture accepts NULL and anonymous ciphers → error findings', async () => {
    const probes = await probeWeakCiphers(target('broken'));
    const byFamily = Object.fromEntries(probes.map((p) => [p.family, p]));
    expect(byFamily.NULL).toMatchObject({
      verdict: 'accepted',
      protocol: 'TLSv1.2',
      cipher: expect.stringMatching(/NULL/),
    });
    expect(byFamily.anon).toMatchObject({ verdict: 'accepted', cipher: expect.stringMatching(/^(ADH|AECDH)-/) });
    const errors = cipherFindings(probes, 'frontend broken').filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.title)).toEqual([
      expect.stringMatching(/accepts NULL ciphers/),
      expect.stringMatching(/accepts anon ciphers/),
    ]);
  });
});

describe('measureHandshakes through HAProxy 2.6', () => {
  test('full handshakes, bounded by count: sane numbers', async () => {
    const m = await measureHandshakes({
      host: '127.0.0.1',
      port: port.dflt!,
      ca: pki.ca,
      concurrency: 4,
      maxHandshakes: 60,
      maxMs: 20_000,
    });
    console.info(
      `TLS handshakes via HAProxy: ${m.handshakes_per_s}/s, p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms, ${m.completed} done in ${m.elapsed_ms} ms`,
    );
    expect(m).toMatchObject({ completed: 60, failed: 0, concurrency: 4 });
    expect(m.latencies_ms).toHaveLength(60);
    expect(m.handshakes_per_s).toBeGreaterThan(0);
    expect(m.p50_ms).toBeGreaterThan(0);
    expect(m.p99_ms).toBeGreaterThanOrEqual(m.p50_ms);
    expect(m.p99_ms).toBeLessThan(5000);
    expect(m.negotiated).toEqual([{ version: 'TLSv1.3', cipher: expect.stringMatching(/^TLS_/) }]);
  });

  test('bounded by time: stops at maxMs with a huge count', async () => {
    const m = await measureHandshakes({
      host: '127.0.0.1',
      port: port.dflt!,
      ca: pki.ca,
      concurrency: 2,
      maxHandshakes: 1_000_000,
      maxMs: 300,
      sampleLimit: 50,
    });
    expect(m.completed).toBeGreaterThan(0);
    expect(m.completed).toBeLessThan(1_000_000);
    expect(m.elapsed_ms).toBeLessThan(300 + 5000);
    expect(m.latencies_ms.length).toBeLessThanOrEqual(50);
  });

  test('failures are counted by code, not timed', async () => {
    const m = await measureHandshakes({
      host: '127.0.0.1',
      port: port.dflt!,
      ca: pki.unknownCa,
      concurrency: 2,
      maxHandshakes: 6,
      maxMs: 5000,
    });
    expect(m).toMatchObject({
      completed: 0,
      failed: 6,
      handshakes_per_s: 0,
      p50_ms: 0,
      errors: { UNABLE_TO_VERIFY_LEAF_SIGNATURE: 6 },
    });
  });
});
