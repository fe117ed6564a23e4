import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

  test('load: agents and launcher (local by default); kubernetes needs a context, named at its line', () => {
    const p = loadProfile(write('l1.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nload:\n  agents: 3\n'));
    expect(p.load).toMatchObject({ agents: 3, launcher: 'local', max_s: 900 });
    expect(loadProfile(write('l0.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\n')).load).toBeUndefined();
    const k = errorOf(
      write('l2.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nload:\n  agents: 2\n  launcher: kubernetes\n'),
    );
    expect(k.format()).toMatch(/l2\.yaml:2: profile: load\.context: launcher kubernetes needs `context:/);
    const z = errorOf(write('l3.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nload:\n  agents: 0\n'));
    expect(z.format()).toMatch(/l3\.yaml:3: profile: load\.agents/);
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

  test('a custom suite file is resolved relative to the profile file; a missing one names its line and the fix', () => {
    mkdirSync(path.join(dir, 'flows'), { recursive: true });
    writeFileSync(path.join(dir, 'flows', 'my-flows.test.ts'), '');
    const ok = loadProfile(
      write('custom.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nsuites: [pubsub, ./flows/my-flows.test.ts]\n'),
    );
    expect(ok.suites).toEqual(['pubsub', path.join(dir, 'flows', 'my-flows.test.ts')]);

    const e = errorOf(
      write('missing.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nsuites:\n  - pubsub\n  - ./nope.test.ts\n'),
    );
    expect(e.format()).toMatch(/missing\.yaml:4: suites: suite file not found: .*\/nope\.test\.ts/);
    expect(e.fix).toMatch(/relative to the profile file/);
  });

  test('a suite entry that is neither a built-in suite nor a test file, or a name listed twice, is refused', () => {
    const unknown = errorOf(write('s1.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nsuites: [pubsub, flows]\n'));
    expect(unknown.format()).toMatch(
      /s1\.yaml:2: profile: suites\.1: expected a built-in suite .* or the path of a test/,
    );
    writeFileSync(path.join(dir, 'pubsub.test.ts'), '');
    const taken = errorOf(
      write('s2.yaml', 'balancer: { kind: haproxy, config: lb.cfg }\nsuites: [./pubsub.test.ts]\n'),
    );
    expect(taken.format()).toMatch(/s2\.yaml:2: suites: .*its name 'pubsub' is the name of a built-in suite/);
    const twice = errorOf(
      write(
        's3.yaml',
        'balancer: { kind: haproxy, config: lb.cfg }\nsuites: [./flows/my-flows.test.ts, flows/my-flows.test.ts]\n',
      ),
    );
    expect(twice.format()).toMatch(/s3\.yaml:2: suites: the suite 'my-flows' is listed twice/);
  });
});
