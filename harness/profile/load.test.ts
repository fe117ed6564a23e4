import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfile } from './load.js';
import { ConfigError } from '../errors.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-profile-test-'));
writeFileSync(path.join(dir, 'lb.cfg'), 'backend b\n  server s x:1883\n');
const write = (name: string, text: string): string => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};
const errorOf = (f: string): ConfigError => {
  try {
    loadProfile(f);
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('profile loading', () => {
  test('every fixture profile is valid and its balancer config exists', async () => {
    const { readdirSync } = await import('node:fs');
    const files = ['fixtures/profiles', 'fixtures/profiles/nightly'].flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => path.join(dir, f)),
    );
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(loadProfile(f).balancer.kind).toMatch(/haproxy|ts-proxy|nginx|external/);
  });

  test('defaults are filled in', () => {
    const p = loadProfile(write('min.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\n'));
    expect(p).toMatchObject({
      name: 'min',
      runtime: 'auto',
      broker: { kind: 'standin', nodes: 3 },
      suites: ['pubsub'],
      balancerConfigFile: path.join(dir, 'lb.cfg'),
    });
  });

  test('clients.transport: tcp by default, one transport or a list; an unknown one names its line', () => {
    expect(loadProfile(write('t0.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\n')).clients.transport).toBe(
      'tcp',
    );
    const one = loadProfile(
      write('t1.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nclients:\n  transport: ws\n'),
    );
    expect(one.clients.transport).toBe('ws');
    const mix = loadProfile(
      write('t2.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nclients:\n  transport: [tcp, ws]\n'),
    );
    expect(mix.clients.transport).toEqual(['tcp', 'ws']);
    const e = errorOf(write('t3.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nclients:\n  transport: quic\n'));
    expect(e.format()).toMatch(/t3\.yaml:3: profile: clients\.transport/);
  });

  test('bad YAML names the line', () => {
    const e = errorOf(write('bad.yaml', 'name: x\nbalancer: [unclosed\n'));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/invalid YAML/);
    expect(e.line).toBeGreaterThanOrEqual(2);
  });

  test('an unknown key is refused naming the key and its line', () => {
    const e = errorOf(write('unknown.yaml', 'name: x\nbalancer:\n  kind: haproxy\n  config: lb.cfg\n  weights: [1]\n'));
    expect(e.format()).toMatch(/unknown\.yaml:5: profile: unknown key\(s\) 'weights' under balancer/);
  });

  test('a wrong value names the key', () => {
    const e = errorOf(write('wrong.yaml', 'runtime: kubernetes\nbalancer: { kind: haproxy, config: lb.cfg }\n'));
    expect(e.format()).toMatch(/wrong\.yaml:1: profile: runtime: /);
  });

  test('a missing balancer config file is refused', () => {
    const e = errorOf(write('nofile.yaml', 'balancer:\n  kind: haproxy\n  config: nope.cfg\n'));
    expect(e.format()).toMatch(/nofile\.yaml:3: balancer\.config: file not found/);
  });
});
