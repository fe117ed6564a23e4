import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { loadProfile } from '../profile/load.js';
import { staticBalancerFacts } from '../balancer/static-facts.js';
import type { BalancerFacts } from '../facts.js';
import type { MachineFit } from '../types.js';
import { capacityLimits, firstLimitReached, nextLimit, rateLimit } from './limits.js';
import { connectionsKnee, rateKnee } from './knee.js';
import type { RampStep } from './ramp.js';
import type { RateStep } from './rate-ramp.js';

async function factsOf(profile: string): Promise<BalancerFacts> {
  const facts = await staticBalancerFacts(loadProfile(path.resolve('fixtures', profile)));
  if (!facts) throw new Error(`no facts for ${profile}`);
  return facts;
}

const engine = { openFilesSoft: 20000, openFilesHard: 20000, ephemeralPorts: 28232 };
const fitted = (rewrites: MachineFit['rewrites'] = []): MachineFit => ({
  where: 'this machine',
  openFilesLimit: 20000,
  cpus: 2,
  rewrites,
});

describe('capacity limits', () => {
  test('per-server maxconn 50 is the first limit, named at the first server line; global maxconn 4096 is next', async () => {
    const limits = capacityLimits({
      facts: await factsOf('broken/capacity-server-maxconn-50.yaml'),
      machineFit: fitted(),
      engine,
      sourceAddresses: 1,
      nodes: 3,
    });
    expect(limits.map((l) => [l.kind, l.slots, l.line])).toEqual([
      ['server-maxconn', 150, 24],
      ['global-maxconn', 4096, 7],
      ['balancer-open-files', 10000, undefined],
      ['engine-open-files', 19800, undefined],
      ['source-ports', 28232, undefined],
      ['source-ports', 84696, undefined],
    ]);
    expect(firstLimitReached(limits, 150, 400, {})?.what).toBe('maxconn 50 on each of 3 servers');
    expect(firstLimitReached(limits, 148, 400, {})?.kind).toBe('server-maxconn');
    expect(firstLimitReached(limits, 400, 400, {})).toBeUndefined();
    expect(firstLimitReached(limits, 90, 400, {})).toBeUndefined(); // nothing explains 90
    expect(firstLimitReached(limits, 90, 400, { EMFILE: 3 })?.kind).toBe('engine-open-files');
    expect(nextLimit(limits, 100)?.slots).toBe(150);
    expect(firstLimitReached(limits, 90, 400, { 'connack-refused': 10 })?.kind).toBe('broker');
  });

  test('a maxconn the machine fit scaled is named as the open-files limit, with the line and the fit', async () => {
    const limits = capacityLimits({
      facts: await factsOf('profiles/haproxy-production-sized.yaml'),
      machineFit: fitted([
        { line: 9, original: 'maxconn 200000', asRun: 'maxconn 9000', reason: 'open-files hard limit here is 20000' },
      ]),
      engine,
      sourceAddresses: 10,
      nodes: 3,
    });
    const global = limits.find((l) => l.line === 9)!;
    expect(global.kind).toBe('balancer-open-files');
    expect(global.note).toMatch(/scaled line 9 `maxconn 200000` to `maxconn 9000`.*fit-machine\.ts/);
  });

  test('without a global maxconn the open-files limit (2 descriptors per connection) explains a plateau near 10,000', () => {
    const limits = capacityLimits({ machineFit: fitted(), engine, sourceAddresses: 11, nodes: 3 });
    expect(firstLimitReached(limits, 9986, 10500, { timeout: 400 })?.kind).toBe('balancer-open-files');
  });

  test("with load agents the client-side open-files limit is each agent's, times the agents", () => {
    const one = capacityLimits({ engine, sourceAddresses: 11, nodes: 3 }).find((l) => l.kind === 'engine-open-files')!;
    const three = capacityLimits({ engine, agents: 3, sourceAddresses: 11, nodes: 3 }).find(
      (l) => l.kind === 'engine-open-files',
    )!;
    expect(one).toMatchObject({ slots: 19800, what: "the test process's open-files limit 20000" });
    expect(three).toMatchObject({ slots: 59400, what: "the load agents' open-files limit 20000 × 3 agents" });
  });

  test('rate-limit sessions is read with its line', async () => {
    const r = rateLimit(await factsOf('real-world/broken/12-rate-limit-sessions-5.yaml'));
    expect(r).toMatchObject({ kind: 'rate-limit-sessions', slots: 5 });
    expect(r?.line).toBeGreaterThan(0);
  });
});

const step = (k: number, connected: number, failed: number, p99: number | null): RampStep => ({
  step: k,
  attempted: k * 50,
  connected,
  failed,
  dropped: 0,
  errors: failed ? { timeout: failed } : {},
  connectRate: 200,
  attemptsPerS: 200,
  readyPerS: 200,
  connack_p50_ms: p99,
  connack_p99_ms: p99,
  tcp_p99_ms: 1,
  at_s: k,
});

describe('knees', () => {
  test('errors start at the plateau; a p99 jump above the floor is the latency knee', () => {
    const k = connectionsKnee(
      [step(1, 50, 0, 10), step(2, 100, 0, 12), step(3, 150, 0, 80), step(4, 150, 50, null)],
      5,
      50,
    );
    expect(k).toMatchObject({ plateau: 150, errorStep: 4, errorsAt: 150, latencyStep: 3, latencyAt: 100 });
    expect(connectionsKnee([step(1, 50, 0, 10), step(2, 100, 0, 45)], 3, 50).latencyStep).toBeUndefined();
  });

  test('the rate knee is the first rate not accepted in full; engine-bound when attempts lag', () => {
    const r = (rate: number, ready: number, attempts = rate, failed = 0): RateStep => ({
      rate,
      clients: rate * 2,
      attemptsPerS: attempts,
      readyPerS: ready,
      failed,
      errors: {},
      connack_p50_ms: 1,
      connack_p99_ms: 2,
      tcp_p99_ms: 1,
    });
    expect(rateKnee([r(100, 99), r(200, 198), r(400, 250)], 0.02)).toEqual({
      sustainedRate: 200,
      sustainedReadyPerS: 198,
      kneeRate: 400,
      kneeReadyPerS: 250,
      engineBound: false,
    });
    expect(rateKnee([r(100, 60, 60)], 0.02).engineBound).toBe(true);
    expect(rateKnee([r(100, 99)], 0.02).kneeRate).toBeUndefined();
  });
});

describe('capacity settings', () => {
  test('defaults, step size and the bounded rate steps', async () => {
    const { capacitySchema, rateSteps, stepSize } = await import('./settings.js');
    const t = capacitySchema.parse({});
    expect(t).toMatchObject({ target: 2000, connect_rate: 500, min_connections: 0, max_duration_s: 240 });
    expect(stepSize(t)).toBe(100);
    expect(stepSize(capacitySchema.parse({ target: 100 }))).toBe(10);
    expect(rateSteps(t)).toEqual([100, 200, 400, 800, 1600]);
    expect(rateSteps(capacitySchema.parse({ rate_from: 1, rate_to: 1e9, rate_factor: 1.01 }))).toHaveLength(12);
    expect(capacitySchema.safeParse({ rate_factor: 1 }).success).toBe(false);
  });
});

describe('capacity findings', () => {
  test('a ramp cut by its time budget without errors says so instead of a knee', async () => {
    const { connectionsFindings } = await import('./findings.js');
    const steps = [step(1, 50, 0, 10), step(2, 100, 0, 12)];
    const ramp = { steps, end: 'budget' as const, errors: {}, engineLimits: null, limitsHit: [] };
    const v = connectionsFindings(ramp, connectionsKnee(steps, 5, 50), [], {
      target: 400,
      connectRate: 200,
      minConnections: 0,
    });
    expect(v.findings[0]).toMatchObject({ severity: 'info', title: expect.stringMatching(/time budget ended at 100/) });
  });
});
