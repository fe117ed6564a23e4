/** Thresholds are part of the profile schema: defaults per suite, typos refused at file:line by the loader. */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfile } from '../profile/load.js';
import { ConfigError } from '../errors.js';
import { FAILOVER_DEFAULTS, failoverThresholds } from '../failover/thresholds.js';
import { fairnessSettings } from '../fairness/settings.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-thresholds-test-'));
writeFileSync(path.join(dir, 'lb.cfg'), 'backend b\n  server s x:1883\n');
function profileWith(name: string, thresholds: string): string {
  const f = path.join(dir, `${name}.yaml`);
  writeFileSync(f, `balancer: { kind: haproxy, config: lb.cfg }\nthresholds:\n${thresholds}`);
  return f;
}
function refusal(file: string): ConfigError {
  try {
    loadProfile(file);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('thresholds in the profile schema', () => {
  test('defaults for every suite when the profile gives none', () => {
    const p = loadProfile(profileWith('none', '  {}\n'));
    expect(failoverThresholds(p.thresholds.failover)).toEqual(FAILOVER_DEFAULTS);
    expect(fairnessSettings(p.thresholds.fairness)).toMatchObject({ clients: 300, rebalance: { newClients: 75 } });
    expect(p.thresholds.keepalive).toEqual({ factor: 1.5, max_idle_wait_s: 45, idle_clients: 6 });
    expect(p.thresholds.tls).toEqual({ handshake_concurrency: 4, handshake_count: 2000, handshake_max_ms: 3000 });
    expect(p.thresholds.pubsub).toEqual({});
  });

  test.each([
    ['failover', '  failover:\n    detection_ms: 4000\n    detecton_ms: 1\n', 5, 'detecton_ms'],
    ['failover storm', '  failover:\n    storm:\n      clients: 300\n      clints: 3\n', 6, 'clints'],
    ['fairness', '  fairness:\n    jain_mn: 0.9\n', 4, 'jain_mn'],
    ['keepalive', '  keepalive:\n    factor: 2\n    idle_client: 3\n', 5, 'idle_client'],
    ['tls', '  tls:\n    handshake_count: 10\n\n    handshake_max: 5\n', 6, 'handshake_max'],
    ['pubsub', '  pubsub: { qos: 1 }\n', 3, 'qos'],
    ['capacity', '  capacity:\n    target: 500\n    taget_ms: 1\n', 5, 'taget_ms'],
    ['suite name', '  failovr: {}\n', 3, 'failovr'],
  ])('a typo in %s is refused naming file:line and the key', (name, yaml, line, key) => {
    const file = profileWith(name.replace(' ', '-'), yaml);
    const err = refusal(file);
    expect(err.file).toBe(file);
    expect(err.line).toBe(line);
    expect(err.message).toContain(`'${key}'`);
  });

  test('a wrong value is refused with its key and line', () => {
    const err = refusal(profileWith('wrong', '  failover:\n    clients: 4\n  fairness:\n    jain_min: 2\n'));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/thresholds\.failover/);
    const err2 = refusal(profileWith('wrong2', '  fairness:\n    jain_min: 2\n'));
    expect(err2.line).toBe(4);
    expect(err2.message).toMatch(/thresholds\.fairness\.jain_min/);
  });

  test('parsed sections read back unchanged (the run plan carries them parsed)', () => {
    const p = loadProfile(profileWith('values', '  failover: { detection_ms: 2000, clients: 12 }\n'));
    expect(failoverThresholds(p.thresholds.failover)).toMatchObject({ detectionMs: 2000, clients: 12 });
    expect(failoverThresholds(JSON.parse(JSON.stringify(p.thresholds.failover)))).toMatchObject({ detectionMs: 2000 });
  });
});
