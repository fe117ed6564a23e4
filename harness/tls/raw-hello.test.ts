/**
 * The hand-built ClientHello probe against a real HAProxy 2.6 (default bind, and the broken `ALL:eNULL:@SECLEVEL=0`
 * bind) and a TLS-1.3-only Node server: the verdicts come from the server's own ServerHello or alert.
 */
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { generatePki, type Pki } from '../pki/pki.js';
import { clientHello, parseServerAnswer, probeSuites, WEAK_SUITES } from './raw-hello.js';
import { startAedes, type RunningServer } from '../../test/helpers/tls-backends.js';
import { freePort, startHaproxy, type HaproxyProcess } from '../../test/helpers/haproxy-process.js';
import { haproxyTlsConfig } from '../../test/helpers/haproxy-tls-config.js';

let dir: string;
let pki: Pki;
let broker: RunningServer;
let haproxy: HaproxyProcess | undefined;
let tls13: tls.Server;
const port: Record<string, number> = {};
const suitesOf = (family: string): number[] => Object.keys(WEAK_SUITES[family]!).map(Number);
const probe = (name: string, suites: number[]) =>
  probeSuites({ host: '127.0.0.1', port: port[name]!, servername: 'localhost', suites, timeoutMs: 3000 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-raw-hello-'));
  pki = await generatePki(join(dir, 'pki'), { serverNames: ['localhost'], keyType: 'ec-p256' });
  broker = await startAedes();
  for (const name of ['dflt', 'broken']) port[name] = await freePort();
  const crt = `ssl crt ${pki.server.combined}`;
  haproxy = await startHaproxy(
    dir,
    haproxyTlsConfig(broker.port, {
      dflt: { port: port.dflt!, bind: crt },
      broken: { port: port.broken!, bind: `${crt} ssl-min-ver TLSv1.0 ciphers ALL:eNULL:@SECLEVEL=0` },
    }),
    [port.dflt!, port.broken!],
  );
  tls13 = tls.createServer({
    cert: readFileSync(pki.server.cert),
    key: readFileSync(pki.server.key),
    minVersion: 'TLSv1.3',
  });
  tls13.on('tlsClientError', () => undefined);
  port.tls13 = await new Promise<number>((resolve) =>
    tls13.listen(0, '127.0.0.1', () => resolve((tls13.address() as { port: number }).port)),
  );
});
afterAll(async () => {
  await haproxy?.stop();
  await broker?.close();
  await new Promise<void>((resolve) => (tls13 ? tls13.close(() => resolve()) : resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('raw ClientHello', () => {
  test('the record is a well-formed TLS 1.2 ClientHello offering exactly the given suites', () => {
    const b = clientHello([0xc02b, 0x000a], 'localhost');
    expect([b[0], b.readUInt16BE(1), b[5]]).toEqual([0x16, 0x0301, 1]);
    expect(b.readUInt16BE(3)).toBe(b.length - 5);
    expect(b.readUInt16BE(9)).toBe(0x0303);
    expect(b.readUInt16BE(44)).toBe(4); // cipher_suites length after version, random, empty session id
    expect([b.readUInt16BE(46), b.readUInt16BE(48)]).toEqual([0xc02b, 0x000a]);
    expect(b.includes(Buffer.from('localhost'))).toBe(true);
    expect(parseServerAnswer(Buffer.from([0x15, 3, 3, 0, 2, 2, 40]))).toEqual({ kind: 'alert', alert: 40 });
  });

  test('HAProxy default bind: a modern suite is chosen; every weak family is refused with handshake_failure', async () => {
    expect(await probe('dflt', [0xc02b])).toMatchObject({ verdict: 'accepted', suite: 0xc02b });
    for (const family of Object.keys(WEAK_SUITES)) {
      expect({ family, ...(await probe('dflt', suitesOf(family))) }).toMatchObject({
        family,
        verdict: 'refused',
        alert: 40,
      });
    }
  });

  test('HAProxy with ciphers ALL:eNULL:@SECLEVEL=0: NULL and anon are chosen; RC4/3DES/EXPORT are not in its OpenSSL', async () => {
    expect(await probe('broken', suitesOf('NULL'))).toMatchObject({ verdict: 'accepted', suite: 0xc006 });
    expect((await probe('broken', suitesOf('anon'))).verdict).toBe('accepted');
    for (const family of ['RC4', '3DES', 'DES', 'EXPORT'])
      expect((await probe('broken', suitesOf(family))).verdict).toBe('refused');
  });

  test('a TLS-1.3-only server refuses the TLS 1.2 hello with protocol_version; nothing listening is unreachable', async () => {
    expect(await probe('tls13', [0xc02b])).toMatchObject({ verdict: 'refused', alert: 70 });
    expect(
      (await probeSuites({ host: '127.0.0.1', port: await freePort(), suites: [0xc02b], timeoutMs: 1000 })).verdict,
    ).toBe('unreachable');
  });
});
