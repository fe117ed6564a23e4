/**
 * The run's TLS set-up from a profile's `tls:` section (generated PKI, user files, topology), the policy judgement
 * of protocol probes, and the skip reasons of the tls suite.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRunTls } from '../pki/run-tls.js';
import { tlsSchema } from '../profile/tls-schema.js';
import { certFacts } from '../pki/cert-facts.js';
import { expectedVerdict, protocolPolicyFindings } from './policy-check.js';
import { remediesFor, type TlsTarget } from './tls-target.js';
import { tlsAbilities } from './abilities.js';
import { ConfigError } from '../errors.js';
import type { Profile } from '../profile/schema.js';
import type { ProtocolProbe } from './policy.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-run-setup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('prepareRunTls', () => {
  test('generated, passthrough, expired: the nodes get the expired certificate; keys are 0600; crt-list names it', async () => {
    const p = await prepareRunTls(
      tlsSchema.parse({
        topology: 'passthrough',
        certificate: 'expired',
        key_type: 'ec-p256',
        server_names: ['mqtt.example.test'],
      }),
      join(dir, 'run1'),
      join(dir, 'p.yaml'),
    );
    expect(p.tls).toMatchObject({
      topology: 'passthrough',
      pki: 'generated',
      servername: 'mqtt.example.test',
      mtls: false,
      policy: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
    });
    expect(p.nodes?.cert).toBe(p.tls.served!.cert);
    expect(p.tls.served!.cert).toMatch(/expired\.crt$/);
    expect(certFacts(await readFile(p.nodes!.cert, 'utf8')).daysToExpiry).toBeLessThan(0);
    expect((await stat(p.nodes!.key)).mode & 0o777).toBe(0o600);
    expect(await readFile(p.balancer.crtList, 'utf8')).toBe(`${p.tls.served!.combined}\n`);
    expect(p.balancer.mapCertificates).toBe(true);
  });

  test('offload with mTLS: no node TLS; the balancer gets the client CA; the harness has a valid client certificate', async () => {
    const p = await prepareRunTls(
      tlsSchema.parse({ mtls: 'required', key_type: 'ec-p256' }),
      join(dir, 'run2'),
      join(dir, 'p.yaml'),
    );
    expect(p.nodes).toBeUndefined();
    expect(p.tls.mtls).toBe(true);
    expect(certFacts(await readFile(p.tls.client!.cert, 'utf8')).issuer).toBe(
      certFacts(await readFile(p.balancer.clientCa, 'utf8')).subject,
    );
  });

  test("user PKI: the user's files are used and kept (no mapping); a missing file is a ConfigError naming the profile", async () => {
    const gen = await prepareRunTls(tlsSchema.parse({ key_type: 'ec-p256' }), join(dir, 'users'), join(dir, 'p.yaml'));
    const user = tlsSchema.parse({
      pki: { ca: 'users/tls/ca.crt', cert: 'users/tls/server.crt', key: 'users/tls/server.key' },
    });
    const p = await prepareRunTls(user, join(dir, 'run3'), join(dir, 'p.yaml'));
    expect(p.tls).toMatchObject({ pki: 'user', ca: gen.tls.ca, served: { cert: gen.tls.served!.cert } });
    expect(p.balancer.mapCertificates).toBe(false);
    const missing = tlsSchema.parse({ pki: { ca: 'nope/ca.pem' } });
    const err = await prepareRunTls(missing, join(dir, 'run4'), join(dir, 'p.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ file: join(dir, 'p.yaml'), message: expect.stringMatching(/nope\/ca\.pem: ENOENT/) });
  });
});

describe('policy judgement', () => {
  const target: TlsTarget = {
    host: 'h',
    port: 1,
    servername: 's',
    terminatedBy: 'balancer',
    where: "frontend 'f' (x.cfg:3)",
    file: '/x.cfg',
    line: 3,
    source: 'bind *:8883 ssl crt a.pem',
    remedies: remediesFor('haproxy', 'offload'),
  };
  const probe = (version: ProtocolProbe['version'], verdict: ProtocolProbe['verdict']): ProtocolProbe => ({
    version,
    verdict,
    outcome: verdict === 'accepted' ? 'ok' : 'refused-by-server',
    ms: 1,
    cipher: verdict === 'accepted' ? 'C' : undefined,
  });

  test('a TLS-1.3-only policy: TLS 1.2 must be refused too', () => {
    const policy = { minVersion: 'TLSv1.3' as const, maxVersion: 'TLSv1.3' as const, forbiddenCiphers: [] };
    expect(
      ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'].map((v) => expectedVerdict(v as ProtocolProbe['version'], policy)),
    ).toEqual(['refuse', 'refuse', 'refuse', 'accept']);
    const f = protocolPolicyFindings([probe('TLSv1.2', 'accepted'), probe('TLSv1.3', 'accepted')], policy, target);
    expect(f).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 3,
        file: '/x.cfg',
        title: "frontend 'f' (x.cfg:3) accepts TLSv1.2 (negotiated C); the policy allows TLSv1.3 only.",
      }),
    ]);
  });

  test('a required version refused is an error; one this client cannot offer is a warning, not a pass', () => {
    const policy = { minVersion: 'TLSv1.2' as const, maxVersion: 'TLSv1.3' as const, forbiddenCiphers: [] };
    const f = protocolPolicyFindings([probe('TLSv1', 'not-testable'), probe('TLSv1.3', 'refused')], policy, target);
    expect(f.map((x) => x.severity)).toEqual(['warning', 'error']);
    expect(f[1]!.title).toMatch(/refuses TLSv1\.3, which the policy requires \(TLSv1\.2–TLSv1\.3\)/);
  });

  test('remedies name the setting for the balancer kind and topology', () => {
    expect(remediesFor('haproxy', 'offload').versions).toMatch(/ssl-min-ver TLSv1\.2/);
    expect(remediesFor('ts-proxy', 'offload').mtls).toMatch(/tls\.client_ca/);
    expect(remediesFor('haproxy', 'passthrough').ciphers).toMatch(/listeners\.ssl\.default\.ssl_options\.ciphers/);
  });
});

describe('skip reasons', () => {
  const profile = (tls: unknown, broker = 'standin'): Profile =>
    ({
      tls: tls === undefined ? undefined : tlsSchema.parse(tls),
      balancer: { kind: 'haproxy' },
      broker: { kind: broker },
    }) as unknown as Profile;
  test('no tls section skips everything; passthrough with the stand-in cannot check mTLS; user PKI without a client certificate', () => {
    expect(tlsAbilities(profile(undefined)).any).toMatch(/no `tls:` section/);
    expect(tlsAbilities(profile({}))).toEqual({
      any: true,
      offload: true,
      passthrough: expect.any(String),
      mtls: expect.stringMatching(/tls\.mtls: false/),
      'client-cert': true,
    });
    expect(tlsAbilities(profile({ topology: 'passthrough', mtls: 'required' })).mtls).toMatch(
      /TLS listener \(broker kind standin\) does not require them/,
    );
    expect(tlsAbilities(profile({ topology: 'passthrough', mtls: 'required' }, 'emqx')).mtls).toBe(true);
    expect(tlsAbilities(profile({ mtls: 'required', pki: { ca: 'a' } }))['client-cert']).toMatch(/client_cert/);
  });
});
