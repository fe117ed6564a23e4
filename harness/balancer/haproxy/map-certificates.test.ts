/**
 * Certificate paths in the user's haproxy.cfg are production paths: with `pki: generated` they are mapped to the
 * run's PKI files (recorded as rewrites with their line, line numbers kept); with user PKI they are kept.
 */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { mapHaproxyConfig } from './map-config.js';
import { preflightHaproxy } from './preflight.js';
import { withPreflightTls } from '../../pki/run-tls.js';
import { tlsSchema } from '../../profile/tls-schema.js';
import { ConfigError } from '../../errors.js';
import { fixture } from '../../../test/helpers/files.js';
import { mapOptions as opts } from '../../../test/helpers/haproxy.js';

const certificates = {
  crt: '/run/tls/server.pem',
  crtList: '/run/tls/crt-list.txt',
  clientCa: '/run/tls/client-ca.crt',
  serverCa: '/run/tls/ca.crt',
};

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('certificate paths in haproxy.cfg', () => {
  test('offload: `crt` is mapped to the run PKI on the same line, recorded as a rewrite', async () => {
    const { text, file } = fixture('haproxy/tls/offload.cfg');
    const line = lineOf(text, 'ssl crt /etc/haproxy/certs/mqtt-lb.pem');
    const m = await mapHaproxyConfig(text, file, opts({ certificates }));
    const out = m.text.split('\n');
    expect(out[line - 1]).toBe('    bind 127.0.9.10:30001 ssl crt /run/tls/server.pem');
    expect(out.slice(0, text.split('\n').length - 1).length).toBe(text.split('\n').length - 1);
    expect(m.rewrites).toContainEqual({
      line,
      from: 'crt /etc/haproxy/certs/mqtt-lb.pem',
      to: 'crt /run/tls/server.pem',
      why: "certificate path mapped to the run's generated PKI",
    });
    expect(m.binds.find((b) => b.frontend === 'emqx_ssl')).toMatchObject({ ssl: true, port: 30001, line });
    expect(m.text).not.toContain('/etc/haproxy/certs');
  });

  test('mTLS: `ca-file` on the bind line becomes the client CA', async () => {
    const { text, file } = fixture('haproxy/tls/mtls.cfg');
    const m = await mapHaproxyConfig(text, file, opts({ certificates }));
    const line = lineOf(text, 'verify required');
    expect(m.text.split('\n')[line - 1]).toBe(
      '    bind 127.0.9.10:30001 ssl crt /run/tls/server.pem ca-file /run/tls/client-ca.crt verify required',
    );
    expect(m.rewrites.filter((r) => r.line === line).map((r) => r.from)).toEqual([
      'crt /etc/haproxy/certs/mqtt-lb.pem',
      'ca-file /etc/haproxy/certs/client-ca.pem',
      expect.stringMatching(/^bind \*:8883/),
    ]);
  });

  test("user PKI (no certificate map): the user's paths are kept", async () => {
    const { text, file } = fixture('haproxy/tls/mtls.cfg');
    const m = await mapHaproxyConfig(text, file, opts());
    expect(m.text).toContain(
      'ssl crt /etc/haproxy/certs/mqtt-lb.pem ca-file /etc/haproxy/certs/client-ca.pem verify required',
    );
    expect(m.rewrites.some((r) => r.why.includes('certificate'))).toBe(false);
  });

  test('crt-list, server and default-server ca-file are mapped; crl-file is refused naming the line', async () => {
    const cfg = [
      'backend b',
      '  default-server check-ssl ca-file /etc/ssl/nodes-ca.pem verify required',
      '  server n1 emqx-node-1.invalid:8883 ssl ca-file /etc/ssl/nodes-ca.pem',
      'frontend f',
      '  bind *:8883 ssl crt-list /etc/haproxy/crt-list.txt',
      '  default_backend b',
    ].join('\n');
    const m = await mapHaproxyConfig(cfg, '/x/h.cfg', opts({ certificates }));
    const out = m.text.split('\n');
    expect(out[1]).toBe('  default-server check-ssl ca-file /run/tls/ca.crt verify required');
    expect(out[2]).toBe('  server n1 127.0.9.1:8883 ssl ca-file /run/tls/ca.crt');
    expect(out[4]).toBe('  bind 127.0.9.10:30000 ssl crt-list /run/tls/crt-list.txt');
    const withCrl = cfg.replace('crt-list /etc/haproxy/crt-list.txt', 'crt /etc/x.pem crl-file /etc/haproxy/crl.pem');
    const err = await mapHaproxyConfig(withCrl, '/x/h.cfg', opts({ certificates })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ line: 5, message: expect.stringMatching(/crl-file \/etc\/haproxy\/crl.pem/) });
  });
});

describe('preflight (haproxy -c) with the run PKI', () => {
  test('the offload fixture passes only with its certificate paths mapped', async () => {
    const file = path.resolve('fixtures/haproxy/tls/mtls.cfg');
    const tlsProfile = tlsSchema.parse({ mtls: 'required' });
    await expect(
      withPreflightTls(tlsProfile, path.resolve('fixtures/profiles/haproxy-tls-mtls.yaml'), (tls) =>
        preflightHaproxy(file, 3, [], tls),
      ),
    ).resolves.toBeDefined();
    await expect(preflightHaproxy(file, 3, [])).rejects.toThrow(/haproxy -c rejected the config: .*mqtt-lb\.pem/);
  });
});
