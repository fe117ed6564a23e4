/**
 * TLS termination: certificates, minimum version, ciphers, mutual TLS (required/optional), SNI,
 * certificate reload without restart, handshake timeout, TLS facts in PROXY v2.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFileSync, readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import mqtt from 'mqtt';
import { parseProxyConfig } from '../config/index.js';
import { PP2_SUBTYPE_SSL_CN, PP2_TYPE_SSL } from '../proxy-protocol.js';
import { startBroker, type TestBroker } from './helpers/brokers.js';
import { createPki, type TestPki } from './helpers/certs.js';
import { rawServer } from './helpers/clients.js';
import { connectPacket } from './helpers/packets.js';
import { decodeProxyHeader } from './helpers/proxy-decoder.js';
import { startProxy, type ProxyEnv } from './helpers/proxy-env.js';
import { waitFor, withTimeout } from './helpers/wait.js';

let pki: TestPki;
let broker: TestBroker;

beforeAll(async () => {
  pki = createPki();
  pki.issue('server', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  pki.issue('alt', 'alt.example', 'DNS:alt.example,DNS:*.alt.example');
  pki.issue('reloaded', 'localhost-reloaded', 'DNS:localhost,IP:127.0.0.1');
  pki.issue('device', 'device-7');
  pki.issue('rogue', 'rogue-device', undefined, 'otherca');
  copyFileSync(pki.path('server.pem'), pki.path('live.pem'));
  copyFileSync(pki.path('server.key'), pki.path('live.key'));
  broker = await startBroker('tls-broker');
});
afterAll(async () => {
  await broker.close();
  pki.cleanup();
});

function tlsYaml(tls: string, backendAddress = broker.address, backendExtra = ''): string {
  return `
frontends:
  - name: mqtts
    bind: "127.0.0.1:0"
    backend: b
    tls: ${tls}
    timeouts: { handshake: 500ms, idle: 10s }
backends:
  - { name: b, health: { type: none }, ${backendExtra} servers: [{ name: n, address: "${backendAddress}" }] }
`;
}

async function withTls(yaml: string, fn: (env: ProxyEnv) => Promise<void>): Promise<void> {
  const env = await startProxy(yaml, { baseDir: pki.dir });
  try {
    await fn(env);
  } finally {
    await env.stop();
  }
}

interface TlsResult {
  ok: boolean;
  peerCn?: string;
  protocol?: string | null;
  cipher?: string;
  error?: string;
}

/** Completes a TLS handshake and one MQTT CONNECT/CONNACK exchange (mTLS failures in TLS 1.3 show up there). */
function tlsProbe(port: number, opts: tls.ConnectionOptions = {}): Promise<TlsResult> {
  return new Promise((resolve) => {
    const s = tls.connect({
      host: '127.0.0.1',
      port,
      ca: readPem(pki.path('ca.pem')),
      servername: 'localhost',
      ...opts,
    });
    let result: TlsResult | undefined;
    const timer = setTimeout(() => finish({ ok: false, error: 'timeout' }), 3_000);
    function finish(r: TlsResult) {
      if (result) return;
      result = r;
      clearTimeout(timer);
      s.destroy();
      resolve(r);
    }
    s.on('secureConnect', () => s.write(connectPacket({ clientId: 'tls-probe' })));
    s.on('data', (d: Buffer) => {
      if (d[0] === 0x20) {
        const cert = s.getPeerCertificate();
        finish({ ok: true, peerCn: String(cert.subject?.CN), protocol: s.getProtocol(), cipher: s.getCipher()?.name });
      }
    });
    s.on('error', (e) => finish({ ok: false, error: e.message }));
    s.on('close', () => finish({ ok: false, error: 'closed' }));
  });
}

function readPem(p: string): Buffer {
  return readFileSync(p);
}

describe('TLS termination', () => {
  test('MQTT over TLS: pub/sub works; default minimum is TLS 1.2', async () => {
    await withTls(tlsYaml('{ cert: live.pem, key: live.key }'), async (env) => {
      const c = await mqtt.connectAsync(`mqtts://localhost:${env.port()}`, {
        ca: readPem(pki.path('ca.pem')),
        reconnectPeriod: 0,
        clientId: 'tls-client',
      });
      await c.subscribeAsync('tls/t');
      const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
      await c.publishAsync('tls/t', 'secret');
      expect(await withTimeout(got, 3_000, 'message')).toBe('secret');
      await c.endAsync();
      const r12 = await tlsProbe(env.port(), { maxVersion: 'TLSv1.2' });
      expect(r12).toMatchObject({ ok: true, protocol: 'TLSv1.2', peerCn: 'localhost' });
      expect((await tlsProbe(env.port())).protocol).toBe('TLSv1.3');
    });
  });

  test('min_version TLSv1.3 refuses a TLS 1.2 client, with a log line', async () => {
    await withTls(tlsYaml('{ cert: live.pem, key: live.key, min_version: TLSv1.3 }'), async (env) => {
      expect((await tlsProbe(env.port(), { maxVersion: 'TLSv1.2' })).ok).toBe(false);
      expect((await tlsProbe(env.port())).ok).toBe(true);
      const line = await env.waitForLog((l) => l.event === 'close' && l.reason === 'tls-error', 'tls-error line');
      expect(line).toMatchObject({ level: 'warn', frontend: 'mqtts', server: null });
    });
  });

  test('cipher list is applied (TLS 1.2)', async () => {
    await withTls(
      tlsYaml('{ cert: live.pem, key: live.key, ciphers: "ECDHE-ECDSA-CHACHA20-POLY1305" }'),
      async (env) => {
        expect(await tlsProbe(env.port(), { maxVersion: 'TLSv1.2' })).toMatchObject({
          ok: true,
          cipher: 'ECDHE-ECDSA-CHACHA20-POLY1305',
        });
      },
    );
  });

  test('SNI selects the certificate; unknown names get the default one', async () => {
    await withTls(
      tlsYaml(
        '{ cert: live.pem, key: live.key, sni: [{ servername: "*.alt.example", cert: alt.pem, key: alt.key }, { servername: alt.example, cert: alt.pem, key: alt.key }] }',
      ),
      async (env) => {
        expect(await tlsProbe(env.port(), { servername: 'alt.example' })).toMatchObject({
          ok: true,
          peerCn: 'alt.example',
        });
        expect(await tlsProbe(env.port(), { servername: 'a.alt.example' })).toMatchObject({
          ok: true,
          peerCn: 'alt.example',
        });
        expect(await tlsProbe(env.port(), { servername: 'localhost' })).toMatchObject({
          ok: true,
          peerCn: 'localhost',
        });
      },
    );
  });

  test('rate limiting refuses before the TLS handshake, one log line per connection', async () => {
    const yaml = tlsYaml('{ cert: live.pem, key: live.key }').replace(
      '    timeouts:',
      '    rate_limit: { per_source_per_s: 2 }\n    timeouts:',
    );
    await withTls(yaml, async (env) => {
      const results = await Promise.all(Array.from({ length: 6 }, () => tlsProbe(env.port())));
      await waitFor(() => env.closeLogs().length >= 6, 'six close lines');
      expect(env.closeLogs()).toHaveLength(6);
      const limited = env.closeLogs((l) => l.reason === 'rate-limited').length;
      expect(limited).toBeGreaterThanOrEqual(2);
      expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(6 - limited);
      expect(env.logs.filter((l) => l.event === 'internal-error')).toEqual([]);
    });
  });

  test('a TLS client that never sends a ClientHello is closed at the handshake timeout', async () => {
    await withTls(tlsYaml('{ cert: live.pem, key: live.key }'), async (env) => {
      const started = Date.now();
      await new Promise<void>((resolve) => {
        const s = net.connect({ port: env.port(), host: '127.0.0.1' });
        s.on('error', () => undefined);
        s.on('close', () => resolve());
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(Date.now() - started).toBeLessThan(2_000);
      await env.waitForLog((l) => l.event === 'close' && l.reason === 'handshake-timeout', 'handshake-timeout line');
    });
  });

  test('certificates reload without restart; established TLS sessions keep working', async () => {
    copyFileSync(pki.path('server.pem'), pki.path('live.pem'));
    copyFileSync(pki.path('server.key'), pki.path('live.key'));
    const yaml = tlsYaml('{ cert: live.pem, key: live.key }');
    await withTls(yaml, async (env) => {
      const c = await mqtt.connectAsync(`mqtts://localhost:${env.port()}`, {
        ca: readPem(pki.path('ca.pem')),
        reconnectPeriod: 0,
        clientId: 'survivor',
      });
      expect((await tlsProbe(env.port())).peerCn).toBe('localhost');
      copyFileSync(pki.path('reloaded.pem'), pki.path('live.pem'));
      copyFileSync(pki.path('reloaded.key'), pki.path('live.key'));
      expect(await env.proxy.reload(parseProxyConfig(yaml, 'test.yaml'))).toEqual([]);
      expect((await tlsProbe(env.port())).peerCn).toBe('localhost-reloaded');
      await c.subscribeAsync('still/here');
      const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
      await c.publishAsync('still/here', 'yes');
      expect(await withTimeout(got, 3_000, 'message on the old connection')).toBe('yes');
      await c.endAsync();
      copyFileSync(pki.path('server.pem'), pki.path('live.pem'));
      copyFileSync(pki.path('server.key'), pki.path('live.key'));
    });
  });

  test('a reload with an unreadable certificate changes nothing', async () => {
    await withTls(tlsYaml('{ cert: live.pem, key: live.key }'), async (env) => {
      await expect(
        env.proxy.reload(parseProxyConfig(tlsYaml('{ cert: missing.pem, key: live.key }'), 'test.yaml')),
      ).rejects.toThrow(/frontends\[0\]\.tls\.cert: cannot read .*missing\.pem: ENOENT/);
      expect((await tlsProbe(env.port())).ok).toBe(true);
    });
  });
});

describe('mutual TLS', () => {
  const device = () => ({ cert: readPem(pki.path('device.pem')), key: readPem(pki.path('device.key')) });
  const rogue = () => ({ cert: readPem(pki.path('rogue.pem')), key: readPem(pki.path('rogue.key')) });

  test('verify: required — no certificate or an unknown CA is refused; a CA-signed device gets through', async () => {
    await withTls(tlsYaml('{ cert: live.pem, key: live.key, client_ca: ca.pem }'), async (env) => {
      expect((await tlsProbe(env.port())).ok).toBe(false);
      expect((await tlsProbe(env.port(), rogue())).ok).toBe(false);
      expect((await tlsProbe(env.port(), device())).ok).toBe(true);
      expect((await tlsProbe(env.port(), { ...device(), maxVersion: 'TLSv1.2' })).ok).toBe(true);
      await waitFor(() => env.closeLogs((l) => l.reason === 'tls-error').length >= 2, 'two tls-error lines');
    });
  });

  test('verify: optional + send_proxy v2 — the client CN travels in PP2_TYPE_SSL; without a certificate it is absent', async () => {
    const headers: Buffer[] = [];
    const server = await rawServer((s) => {
      let buf = Buffer.alloc(0);
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        const h = decodeProxyHeader(buf);
        if (h && buf.length > h.length) {
          headers.push(buf);
          s.write(Buffer.from('20020000', 'hex'));
        }
      });
    });
    await withTls(
      tlsYaml(
        '{ cert: live.pem, key: live.key, client_ca: ca.pem, verify: optional }',
        server.address,
        'send_proxy: v2,',
      ),
      async (env) => {
        expect((await tlsProbe(env.port(), device())).ok).toBe(true);
        expect((await tlsProbe(env.port())).ok).toBe(true);
        expect(headers).toHaveLength(2);
        const ssl = headers.map((b) => decodeProxyHeader(b)!.tlvs.find((t) => t.type === PP2_TYPE_SSL)!.value);
        expect(ssl[0].readUInt32BE(1)).toBe(0);
        expect(ssl[0].subarray(5).includes(Buffer.from([PP2_SUBTYPE_SSL_CN]))).toBe(true);
        expect(ssl[0].includes(Buffer.from('device-7'))).toBe(true);
        expect(ssl[1][0] & 0x02).toBe(0);
        expect(ssl[1].includes(Buffer.from('device-7'))).toBe(false);
      },
    );
    await server.close();
  });
});
