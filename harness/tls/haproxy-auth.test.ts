/**
 * Certificates and client authentication through a real HAProxy 2.6 TLS frontend (mode tcp, aedes behind it),
 * checked with tryHandshake and with the real mosquitto_pub, as the EMQX load-balancing guide does.
 */
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePki, type Pki } from '../pki/pki.js';
import { tryHandshake } from './handshake.js';
import { waitFor } from '../util/wait.js';
import { certFindings, certificateMetric } from './cert-findings.js';
import { findMosquittoPub, mosquittoPubArgs, parseMosquittoOutput, runMosquittoPub } from './mosquitto.js';
import { startAedes } from '../../test/helpers/tls-backends.js';
import { freePort, startHaproxy, type HaproxyProcess } from '../../test/helpers/haproxy-process.js';
import { haproxyTlsConfig } from '../../test/helpers/haproxy-tls-config.js';

let dir: string;
let pki: Pki;
let broker: Awaited<ReturnType<typeof startAedes>>;
let haproxy: HaproxyProcess | undefined;
const published: string[] = [];
const port: Record<string, number> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-hap-auth-'));
  pki = await generatePki(join(dir, 'pki'), { serverNames: ['localhost'] });
  broker = await startAedes();
  broker.broker.on('publish', (packet, client) => {
    if (client) published.push(`${packet.topic}=${packet.payload.toString()}`);
  });
  for (const name of ['good', 'wrong', 'expired', 'unknownCa', 'mtls', 'plain']) port[name] = await freePort();
  const config = haproxyTlsConfig(broker.port, {
    good: { port: port.good!, bind: `ssl crt ${pki.server.combined}` },
    wrong: { port: port.wrong!, bind: `ssl crt ${pki.wrongHost.combined}` },
    expired: { port: port.expired!, bind: `ssl crt ${pki.expired.combined}` },
    unknownCa: { port: port.unknownCa!, bind: `ssl crt ${pki.unknownCaServer.combined}` },
    mtls: { port: port.mtls!, bind: `ssl crt ${pki.server.combined} ca-file ${pki.clientCa} verify required` },
    plain: { port: port.plain!, bind: '' },
  });
  haproxy = await startHaproxy(dir, config, Object.values(port));
});
afterAll(async () => {
  await haproxy?.stop();
  await broker?.close();
  await rm(dir, { recursive: true, force: true });
});

const at = (name: string) => ({ host: '127.0.0.1', port: port[name]!, timeoutMs: 3000 });

describe('server certificates through HAProxy', () => {
  test('valid CA → ok (IP and DNS name)', async () => {
    const r = await tryHandshake({ ...at('good'), ca: pki.ca });
    expect(r).toMatchObject({ ok: true, authorized: true, protocol: 'TLSv1.3', confirmed: true });
    expect(r.peerCertificate?.sans).toContain('127.0.0.1');
    expect((await tryHandshake({ ...at('good'), host: 'localhost', ca: pki.ca })).outcome).toBe('ok');
  });

  test('unknown CA → refused by the client', async () => {
    const r = await tryHandshake({ ...at('unknownCa'), ca: pki.ca });
    expect(r).toMatchObject({ outcome: 'refused-by-client', error: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
  });

  test('wrong host name → refused; accepted with checkHostname false', async () => {
    expect(await tryHandshake({ ...at('wrong'), ca: pki.ca })).toMatchObject({
      outcome: 'refused-by-client',
      error: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    });
    expect(await tryHandshake({ ...at('wrong'), ca: pki.ca, checkHostname: false })).toMatchObject({
      ok: true,
      authorized: true,
    });
  });

  test('expired → refused; the peer certificate facts give the expiry finding', async () => {
    const r = await tryHandshake({ ...at('expired'), ca: pki.ca });
    expect(r).toMatchObject({ outcome: 'refused-by-client', error: { code: 'CERT_HAS_EXPIRED' } });
    const findings = certFindings(r.peerCertificate!, {
      expectedNames: ['localhost'],
      role: 'server certificate of frontend expired',
    });
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0]!.title).toMatch(
      /^The server certificate of frontend expired CN=localhost, O=mqtt-lb-harness expired on /,
    );
    expect(certificateMetric('frontend expired', r.peerCertificate!)).toMatchObject({
      role: 'frontend expired',
      keyType: 'RSA',
      keySize: 2048,
      sans: ['localhost', '127.0.0.1'],
    });
  });
});

describe('mTLS: ca-file … verify required', () => {
  test.each(['TLSv1.3', 'TLSv1.2'] as const)(
    '%s: no client certificate and an unknown one are refused by HAProxy; a valid one is accepted',
    async (maxVersion) => {
      const base = { ...at('mtls'), ca: pki.ca, maxVersion };
      const none = await tryHandshake(base);
      expect(none).toMatchObject({ ok: false, outcome: 'refused-by-server' });
      expect(none.error!.code).toBe(
        maxVersion === 'TLSv1.3'
          ? 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'
          : 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      );
      const unknown = await tryHandshake({ ...base, cert: pki.unknownClient.cert, key: pki.unknownClient.key });
      expect(unknown).toMatchObject({
        ok: false,
        outcome: 'refused-by-server',
        error: { code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' },
      });
      const good = await tryHandshake({ ...base, cert: pki.client.cert, key: pki.client.key });
      expect(good).toMatchObject({ ok: true, protocol: maxVersion });
    },
  );
});

describe('mosquitto_pub through HAProxy', () => {
  const pub = (name: string, extra: Partial<Parameters<typeof runMosquittoPub>[0]> = {}) =>
    runMosquittoPub({
      host: '127.0.0.1',
      port: port[name]!,
      topic: 'aa',
      message: 'bb',
      clientId: `tls-${name}`,
      timeoutMs: 10_000,
      ...extra,
    });

  test('mosquitto_pub is installed', async () => {
    expect(await findMosquittoPub()).toMatch(/mosquitto_pub$/);
  });

  test('--cafile: the four lines, and the broker got the message', async () => {
    const r = await pub('good', { cafile: pki.ca });
    expect(r.stdout).toEqual([
      'Client tls-good sending CONNECT',
      'Client tls-good received CONNACK (0)',
      "Client tls-good sending PUBLISH (d0, q0, r0, m1, 'aa', ... (2 bytes))",
      'Client tls-good sending DISCONNECT',
    ]);
    expect(r).toMatchObject({
      exitCode: 0,
      timedOut: false,
      parsed: { published: true, connackCode: 0, publish: { topic: 'aa', bytes: 2 } },
    });
    // mosquitto_pub exits after DISCONNECT; the broker's 'publish' event may come a moment later.
    await waitFor(() => published.includes('aa=bb'), {
      timeoutMs: 5000,
      what: `the broker to record aa=bb (recorded: ${published.join(', ') || 'nothing'})`,
    }).catch(() => undefined);
    expect(published).toContain('aa=bb');
  });

  test('wrong host name: refused without --insecure, published with it', async () => {
    const refused = await pub('wrong', { cafile: pki.ca });
    expect(refused.exitCode).not.toBe(0);
    // "sending CONNECT" may or may not be printed before the handshake fails (libmosquitto queues it): not asserted.
    expect(refused.parsed).toMatchObject({
      published: false,
      receivedConnack: false,
      hostnameVerificationFailed: true,
      tlsError: 'certificate verify failed',
    });
    const insecure = await pub('wrong', { cafile: pki.ca, insecure: true });
    expect(insecure).toMatchObject({ exitCode: 0, parsed: { published: true } });
  });

  test('expired and unknown CA: certificate verify failed', async () => {
    for (const r of [await pub('expired', { cafile: pki.ca }), await pub('unknownCa', { cafile: pki.ca })]) {
      expect(r.exitCode).not.toBe(0);
      expect(r.parsed).toMatchObject({
        published: false,
        hostnameVerificationFailed: false,
        tlsError: 'certificate verify failed',
      });
    }
  });

  test('mTLS: refused without a client certificate, published with one', async () => {
    const none = await pub('mtls', { cafile: pki.ca });
    expect(none.exitCode).not.toBe(0);
    expect(none.parsed.tlsError).toMatch(/alert certificate required/);
    expect(none.parsed.receivedConnack).toBe(false);
    const good = await pub('mtls', { cafile: pki.ca, cert: pki.client.cert, key: pki.client.key });
    expect(good).toMatchObject({ exitCode: 0, parsed: { published: true } });
  });

  test('plain MQTT frontend without TLS options', async () => {
    const r = await pub('plain');
    expect(r.args).not.toContain('--cafile');
    expect(r).toMatchObject({ exitCode: 0, parsed: { published: true } });
  });

  test("argument checks and the parser on the guide's own output", () => {
    expect(() => mosquittoPubArgs({ host: 'h', port: 1, insecure: true, timeoutMs: 1 })).toThrow(
      /insecure need cafile/,
    );
    expect(() => mosquittoPubArgs({ host: 'h', port: 1, cafile: 'ca', cert: 'c', timeoutMs: 1 })).toThrow(
      /cert and key go together/,
    );
    const guide = [
      'Client mosqpub/1984-emq1 sending CONNECT',
      'Client mosqpub/1984-emq1 received CONNACK',
      "Client mosqpub/1984-emq1 sending PUBLISH (d0, q0, r0, m1, 'aa', ... (2 bytes))",
      'Client mosqpub/1984-emq1 sending DISCONNECT',
    ];
    // The guide prints CONNACK without its code (older mosquitto): that is not a confirmed accept.
    expect(parseMosquittoOutput(guide)).toMatchObject({
      clientId: 'mosqpub/1984-emq1',
      sentConnect: true,
      sentPublish: true,
      sentDisconnect: true,
      receivedConnack: false,
      published: false,
    });
    expect(parseMosquittoOutput(guide.map((l) => l.replace(/CONNACK$/, 'CONNACK (0)')))).toMatchObject({
      published: true,
      connackCode: 0,
    });
    expect(parseMosquittoOutput([], ['Error: Connection refused'])).toMatchObject({
      connectionRefused: true,
      published: false,
    });
  });
});
