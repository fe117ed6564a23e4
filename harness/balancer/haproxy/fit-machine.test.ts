/**
 * Machine fitting of haproxy.cfg: production sizing (maxconn, ulimit-n, maxpipes, nbthread, cpu-map) scaled to the
 * open-files hard limit and CPUs given, on the user's line; what the suites judge (per-server maxconn, weights,
 * checks, timeouts, algorithms) untouched.
 */
import { describe, expect, test } from '@jest/globals';
import { fitHaproxyToMachine, haproxyFdNeeds } from './fit-machine.js';
import { mapHaproxyConfig } from './map-config.js';
import { parseHaproxyCfg } from './parse.js';
import type { MachineLimits } from '../machine-limits.js';

const HERE: MachineLimits = { openFiles: 20000, cpus: 2, where: 'this machine' };

const cfg = (global: string, extra = ''): string =>
  [
    'global',
    ...global.split('\n').map((l) => `    ${l}`),
    'defaults',
    '    mode tcp',
    '    timeout connect 5s',
    '    timeout client 300s',
    '    timeout server 300s',
    extra,
    'backend mqtt_back',
    '    balance leastconn',
    '    server n1 emqx-1.invalid:1883 check inter 1s maxconn 50000 maxqueue 100000 weight 3',
    '    server n2 emqx-2.invalid:1883 check inter 1s maxconn 50000 maxqueue 100000 weight 1',
    'frontend mqtt',
    '    bind *:1883',
    '    maxconn 500000',
    '    default_backend mqtt_back',
  ].join('\n');

const fitLines = (text: string, limits = HERE) => fitHaproxyToMachine(parseHaproxyCfg(text, 'x.cfg'), limits);
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('haproxy machine fit', () => {
  test('global maxconn 20000 → what 20000 descriptors hold, with the reason', () => {
    const text = cfg('maxconn 20000');
    const r = fitLines(text).find((x) => x.original === 'maxconn 20000');
    expect(r).toEqual(
      expect.objectContaining({
        line: 2,
        asRun: 'maxconn 9000',
        reason: expect.stringMatching(/hard limit here is 20000/),
      }),
    );
  });

  test('global maxconn 1000000 and ulimit-n 2000000 on a 1048576 container: both scaled to the container', () => {
    const text = cfg('maxconn 1000000\nulimit-n 2000000');
    const box: MachineLimits = { openFiles: 1048576, cpus: 8, where: 'the balancer container' };
    const r = fitLines(text, box);
    expect(r.map((x) => [x.line, x.original, x.asRun])).toEqual([
      [2, 'maxconn 1000000', 'maxconn 471859'],
      [3, 'ulimit-n 2000000', 'ulimit-n 1048576'],
      [lineOf(text, 'maxconn 500000'), 'maxconn 500000', 'maxconn 471859'],
    ]);
    expect(r[0]!.reason).toMatch(/in the balancer container is 1048576/);
  });

  test('a config that fits is left alone', () => {
    const fits = (global: string): string => cfg(global).replace('maxconn 500000', 'maxconn 4000');
    expect(fitLines(fits('maxconn 4096\nnbthread 2\ncpu-map auto:1/1-2 0-1\nulimit-n 20000'))).toEqual([]);
    expect(fitLines(fits('maxconn 9000'))).toEqual([]);
  });

  test('defaults and frontend maxconn above the budget are capped; per-server maxconn/maxqueue/weight never', async () => {
    const text = cfg('maxconn 200000', '    maxconn 300000');
    const r = fitLines(text);
    expect(r.map((x) => x.line)).toEqual([2, lineOf(text, 'maxconn 300000'), lineOf(text, 'maxconn 500000')]);
    const mapped = await mapHaproxyConfig(text, 'x.cfg', {
      nodeNames: ['node1', 'node2'],
      explicit: [],
      resolve: (node) => ({ host: `127.0.9.${node.slice(4)}`, port: 1883 }),
      placeBind: async (port) => ({ host: '127.0.9.10', port }),
      statsSocket: '/tmp/x.sock',
      machine: HERE,
    });
    const out = mapped.text.split('\n');
    expect(out.slice(0, text.split('\n').length).length).toBe(text.split('\n').length);
    for (const x of r)
      expect(out[x.line - 1]).toMatch(new RegExp(`^\\s*${x.asRun}\\s+# \\(mqtt-lb: was '${x.original}'`));
    for (const n of [1, 2]) {
      const l = lineOf(text, `server n${n}`);
      expect(out[l - 1]).toMatch(/maxconn 50000 maxqueue 100000 weight/);
    }
    expect(mapped.machineFit).toMatchObject({ where: 'this machine', openFilesLimit: 20000, cpus: 2 });
    expect(mapped.machineFit!.rewrites.map((x) => x.line)).toEqual(r.map((x) => x.line));
    expect(mapped.machineFit!.rewrites[0]).toEqual({
      line: 2,
      original: 'maxconn 200000',
      asRun: 'maxconn 9000',
      reason: expect.any(String),
    });
  });

  test('without machine limits the mapping keeps every sizing line', async () => {
    const text = cfg('maxconn 200000');
    const mapped = await mapHaproxyConfig(text, 'x.cfg', {
      nodeNames: ['node1', 'node2'],
      explicit: [],
      resolve: (node) => ({ host: `127.0.9.${node.slice(4)}`, port: 1883 }),
      placeBind: async (port) => ({ host: '127.0.9.10', port }),
      statsSocket: '/tmp/x.sock',
    });
    expect(mapped.text.split('\n')[1]).toBe('    maxconn 200000');
    expect(mapped.machineFit).toBeUndefined();
  });

  test('proxy maxconn stays when it sizes a minconn backend (default fullconn derives from it)', () => {
    const text = cfg('maxconn 200000').replace('maxconn 50000 maxqueue', 'minconn 10 maxconn 50000 maxqueue');
    expect(fitLines(text).map((x) => x.line)).toEqual([2]);
  });

  test('nbthread 64 → the CPUs here; cpu-map lines naming CPUs or threads that are not here are commented out', () => {
    const text = cfg('nbthread 64\ncpu-map auto:1/1-64 0-63\ncpu-map 1/1 0\ncpu-map 1/2 1\ncpu-map 1/3 2');
    const r = fitLines(text);
    expect(r.map((x) => [x.line, x.asRun])).toEqual([
      [2, 'nbthread 2'],
      [3, '# cpu-map auto:1/1-64 0-63'],
      [6, '# cpu-map 1/3 2'],
      [lineOf(text, 'maxconn 500000'), 'maxconn 9000'],
    ]);
    expect(r[0]!.reason).toBe('this machine has 2 CPUs');
    expect(r[1]!.text).toBe(
      '    # cpu-map auto:1/1-64 0-63  # (mqtt-lb: pins to CPU 63; this machine has 2 CPUs (0–1))',
    );
  });

  test('splice forwarding and maxpipes count in the descriptor budget', () => {
    expect(fitLines(cfg('maxconn 200000', '    option splice-auto'))[0]!.asRun).toBe('maxconn 7200');
    const r = fitLines(cfg('maxconn 200000\nmaxpipes 100000'));
    expect(r.slice(0, 2).map((x) => x.asRun)).toEqual(['maxconn 7200', 'maxpipes 1800']);
  });

  test('fd-hard-limit lowers the budget; descriptors asked for by a config', () => {
    expect(fitLines(cfg('maxconn 200000\nfd-hard-limit 10000'))[0]!.asRun).toBe('maxconn 4500');
    const needs = (global: string): number | undefined => haproxyFdNeeds(parseHaproxyCfg(cfg(global), 'x'));
    expect(needs('maxconn 200000')).toBe(444445);
    expect(needs('maxconn 1\nulimit-n 400000')).toBe(400000);
    expect(needs('ulimit-n 400000')).toBe(400000);
    for (const global of ['maxconn 200000', 'maxconn 20000\nmaxpipes 3000', 'maxconn 7']) {
      const limits = { ...HERE, openFiles: needs(global)! };
      expect(fitLines(cfg(global).replace('maxconn 500000', 'maxconn 5'), limits)).toEqual([]);
    }
    expect(haproxyFdNeeds(parseHaproxyCfg(cfg('nbthread 2'), 'x'))).toBeUndefined();
  });
});
