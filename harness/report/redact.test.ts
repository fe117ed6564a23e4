import { describe, expect, test } from '@jest/globals';
import { REDACTED, redactConfig, redactSummary } from './redact.js';
import { sourceSummary } from '../../test/helpers/report-fixtures.js';

const CONFIG = `userlist admins
    user admin password $6$saltsalt$hashhashhash
    user ops insecure-password hunter2
listen stats
    stats auth admin:S3cretPass
    stats uri /stats
    ssl_password_file /etc/haproxy/pw.txt
backend emqx
    http-request set-header Authorization "Bearer abcdef123456"
    server emqx1 10.20.0.11:1883 check
redis_url: redis://cache:pw123@10.0.0.5:6379
api_token = "tok-123"
dashboard.default_password = "public-pass"
password : colon-pass
client_secret: 'sq-secret'
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIOr0bMZc
yKoZIzj0DAQehRANCAAS
-----END EC PRIVATE KEY-----
-----BEGIN CERTIFICATE-----
MIIBkTCB+wIJAKHBfpeg
-----END CERTIFICATE-----`;

const SECRETS = [
  '$6$saltsalt$hashhashhash',
  'hunter2',
  'S3cretPass',
  'abcdef123456',
  'pw123',
  'tok-123',
  'public-pass',
  'colon-pass',
  'sq-secret',
  'MHcCAQEEIOr0bMZc',
  'yKoZIzj0DAQehRANCAAS',
];

describe('redactConfig', () => {
  const out = redactConfig(CONFIG);

  test.each(SECRETS)('removes %s', (secret) => {
    expect(CONFIG).toContain(secret);
    expect(out).not.toContain(secret);
  });

  test('keeps what is not secret: users, paths, addresses, certificates, line count', () => {
    expect(out).toContain('stats auth admin:' + REDACTED);
    expect(out).toContain('user admin password ' + REDACTED);
    expect(out).toContain('ssl_password_file /etc/haproxy/pw.txt');
    expect(out).toContain('server emqx1 10.20.0.11:1883 check');
    expect(out).toContain('redis://cache:' + REDACTED + '@10.0.0.5:6379');
    expect(out).toContain('MIIBkTCB+wIJAKHBfpeg');
    expect(out).toContain('-----BEGIN EC PRIVATE KEY-----');
    expect(out.split('\n')).toHaveLength(CONFIG.split('\n').length);
    expect(out.split('\n')[9]).toBe(CONFIG.split('\n')[9]);
  });

  test('is idempotent', () => {
    expect(redactConfig(out)).toBe(out);
  });

  test('redactSummary redacts the balancer config and leaves the input untouched', () => {
    const summary = sourceSummary();
    const redacted = redactSummary(summary);
    expect(summary.deployment!.balancer.config).toContain('Sup3rS3cret!');
    expect(redacted.deployment!.balancer.config).not.toContain('Sup3rS3cret!');
    expect(redacted.suites).toBe(summary.suites);
  });
});
