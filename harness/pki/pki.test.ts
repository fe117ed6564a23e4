import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generatePki, loadUserPki, WRONG_HOST_NAME, type Pki } from './pki.js';
import { certFacts, nameCovered } from './cert-facts.js';
import { certFindings } from '../tls/cert-findings.js';
import { issueCertificate } from './x509-issue.js';

const run = promisify(execFile);
/** `openssl verify` is an independent oracle for the generated chains. */
async function opensslVerify(ca: string, cert: string, extra: string[] = []): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await run('openssl', ['verify', '-CAfile', ca, ...extra, cert]);
    return { ok: true, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

let dir: string;
let pki: Pki;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-pki-'));
  pki = await generatePki(join(dir, 'rsa'), {
    serverNames: ['mqtt.example.test', 'localhost'],
    ipAddresses: ['127.0.0.2'],
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generatePki (RSA 2048)', () => {
  test('reports its generation time', () => {
    console.info(`generatePki rsa2048: ${pki.generationMs} ms`);
    expect(pki.generationMs).toBeGreaterThan(0);
  });

  test('keys and combined PEMs are mode 0600, certificates 0644', async () => {
    for (const p of [
      pki.caKey,
      pki.server.key,
      pki.server.combined,
      pki.client.key,
      pki.unknownClient.key,
      pki.expired.combined,
    ]) {
      expect((await stat(p)).mode & 0o777).toBe(0o600);
    }
    expect((await stat(pki.server.cert)).mode & 0o777).toBe(0o644);
  });

  test('combined PEM is the certificate followed by its key', async () => {
    const combined = await readFile(pki.server.combined, 'utf8');
    expect(combined).toBe((await readFile(pki.server.cert, 'utf8')) + (await readFile(pki.server.key, 'utf8')));
    expect(combined).toMatch(/^-----BEGIN CERTIFICATE-----[\s\S]+-----BEGIN PRIVATE KEY-----/);
  });

  test('server certificate covers the names and 127.0.0.1, and openssl verifies it against the CA', async () => {
    const facts = certFacts(await readFile(pki.server.cert));
    expect(facts.sans).toEqual(expect.arrayContaining(['mqtt.example.test', 'localhost', '127.0.0.1', '127.0.0.2']));
    expect(facts.keyType).toBe('RSA');
    expect(facts.keySize).toBe(2048);
    const cert = new X509Certificate(await readFile(pki.server.cert));
    expect(cert.checkHost('mqtt.example.test')).toBe('mqtt.example.test');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect((await opensslVerify(pki.ca, pki.server.cert, ['-purpose', 'sslserver'])).ok).toBe(true);
  });

  test('the bad certificates fail in the intended way only', async () => {
    const wrong = await opensslVerify(pki.ca, pki.wrongHost.cert, ['-verify_hostname', 'mqtt.example.test']);
    expect(wrong.out).toMatch(/hostname mismatch/i);
    expect((await opensslVerify(pki.ca, pki.wrongHost.cert, ['-verify_hostname', WRONG_HOST_NAME])).ok).toBe(true);
    expect((await opensslVerify(pki.ca, pki.expired.cert)).out).toMatch(/certificate has expired/);
    expect((await opensslVerify(pki.ca, pki.expired.cert, ['-no_check_time'])).ok).toBe(true);
    expect((await opensslVerify(pki.ca, pki.unknownCaServer.cert)).out).toMatch(
      /unable to get local issuer certificate/,
    );
    expect((await opensslVerify(pki.unknownCa, pki.unknownCaServer.cert)).ok).toBe(true);
    expect((await opensslVerify(pki.clientCa, pki.client.cert, ['-purpose', 'sslclient'])).ok).toBe(true);
    expect((await opensslVerify(pki.clientCa, pki.unknownClient.cert)).ok).toBe(false);
  });
});

describe('generatePki (EC P-256)', () => {
  test('is fast and yields EC keys', async () => {
    const ec = await generatePki(join(dir, 'ec'), { serverNames: ['localhost'], keyType: 'ec-p256' });
    console.info(`generatePki ec-p256: ${ec.generationMs} ms`);
    const facts = certFacts(await readFile(ec.server.cert, 'utf8'));
    expect(facts).toMatchObject({ keyType: 'EC', keySize: 256, curve: 'prime256v1' });
    expect((await opensslVerify(ec.ca, ec.server.cert)).ok).toBe(true);
  });
});

describe('certFacts / certFindings', () => {
  test('a valid certificate for the expected names has no findings', async () => {
    const facts = certFacts(await readFile(pki.server.cert));
    expect(facts.daysToExpiry).toBeGreaterThan(360);
    expect(facts.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(facts.issuer).toContain('CN=mqtt-lb-harness test CA');
    expect(certFindings(facts, { expectedNames: ['mqtt.example.test', '127.0.0.1'] })).toEqual([]);
  });

  test('expired → error; wrong name → error', async () => {
    const expired = certFindings(certFacts(await readFile(pki.expired.cert)), { expectedNames: ['localhost'] });
    expect(expired.map((f) => f.severity)).toEqual(['error']);
    expect(expired[0]!.title).toMatch(/expired/);
    const wrong = certFindings(certFacts(await readFile(pki.wrongHost.cert)), { expectedNames: ['mqtt.example.test'] });
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toMatchObject({ severity: 'error' });
    expect(wrong[0]!.title).toMatch(/does not cover the name "mqtt.example.test"/);
  });

  test('expiring within 30 days → warning; RSA 1024 → error', async () => {
    const ca = await issueCertificate({
      commonName: 'ca',
      usage: 'ca',
      keyType: 'ec-p256',
      notBefore: new Date(Date.now() - 1000),
      notAfter: new Date(Date.now() + 864e7),
    });
    const soon = await issueCertificate(
      {
        commonName: 'soon',
        usage: 'server',
        keyType: 'ec-p256',
        dnsNames: ['soon.test'],
        notBefore: new Date(Date.now() - 1000),
        notAfter: new Date(Date.now() + 10 * 864e5),
      },
      ca,
    );
    const f = certFindings(certFacts(soon.certPem), { expectedNames: ['soon.test'] });
    expect(f.map((x) => x.severity)).toEqual(['warning']);
    expect(f[0]!.title).toMatch(/expires in 10 days/);
    // A 1024-bit RSA certificate, made with the openssl CLI (WebCrypto here only makes the sizes we ask for).
    const key = join(dir, 'weak.key');
    const crt = join(dir, 'weak.crt');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:1024',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-subj',
      '/CN=weak.test',
      '-addext',
      'subjectAltName=DNS:weak.test',
      '-days',
      '90',
    ]);
    const weak = certFindings(certFacts(await readFile(crt, 'utf8')), { expectedNames: ['weak.test'] });
    expect(weak.map((x) => [x.severity, x.title])).toEqual([['error', expect.stringMatching(/1024-bit RSA/)]]);
  });

  test('nameCovered: wildcards cover one label; IPs only match IP SANs', () => {
    expect(nameCovered(['*.example.com'], 'a.example.com')).toBe(true);
    expect(nameCovered(['*.example.com'], 'a.b.example.com')).toBe(false);
    expect(nameCovered(['*.example.com'], 'example.com')).toBe(false);
    expect(nameCovered(['Example.COM'], 'example.com')).toBe(true);
    expect(nameCovered(['127.0.0.1'], '127.0.0.1')).toBe(true);
    expect(nameCovered(['127.0.0.1'], '127.0.0.2')).toBe(false);
  });
});

describe('loadUserPki', () => {
  test('accepts good files and returns their facts', async () => {
    const u = await loadUserPki({
      ca: pki.ca,
      server: { cert: pki.server.cert, key: pki.server.key, combined: pki.server.combined },
      clientCa: pki.clientCa,
      client: pki.client,
    });
    expect(u.certificates.map((c) => c.role)).toEqual(['ca', 'client CA', 'server', 'server (combined)', 'client']);
  });

  test('lists every problem: missing file, mismatched key, not a certificate', async () => {
    const notCert = join(dir, 'not-a-cert.pem');
    await writeFile(notCert, 'hello\n');
    const p = loadUserPki({
      ca: join(dir, 'missing.pem'),
      clientCa: notCert,
      server: { cert: pki.server.cert, key: pki.client.key },
    });
    await expect(p).rejects.toThrow(/missing\.pem: ENOENT/);
    await expect(p).rejects.toThrow(/not-a-cert\.pem: no PEM CERTIFICATE block/);
    await expect(p).rejects.toThrow(/does not match certificate/);
  });
});
