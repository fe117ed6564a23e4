import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { loadProfile } from '../profile/load.js';
import { staticBalancerFacts } from '../balancer/static-facts.js';
import { staticNginx } from '../balancer/nginx/static.js';
import type { BalancerFacts } from '../facts.js';
import type { BalancerServerState } from '../types.js';
import { expectedShares, intendedShares, shareDistance } from './expected.js';
import { evaluate, DEFAULT_CRITERIA } from './evaluate.js';
import { sourceAddress } from './connect.js';
import { fairnessSettings } from './settings.js';

async function factsOf(profile: string): Promise<BalancerFacts> {
  const facts = await staticBalancerFacts(loadProfile(path.resolve('fixtures', profile)));
  if (!facts) throw new Error(`no facts for ${profile}`);
  return facts;
}

function view(facts: BalancerFacts, status: Record<string, string> = {}): BalancerServerState[] {
  return facts.mqttBackend.servers.map((s) => ({
    backend: facts.mqttBackend.name,
    name: s.name,
    node: s.node,
    status: status[s.node] ?? 'UP',
    checkStatus: 'L7OK',
    lastChangeMs: 0,
    current: 0,
    total: 0,
  }));
}

describe('expected shares derived from the config and the UP servers', () => {
  test('equal weights: a third each, with the balance line named', async () => {
    const facts = await factsOf('profiles/haproxy-roundrobin.yaml');
    const exp = expectedShares(facts.mqttBackend, view(facts));
    expect(exp.shares).toEqual({ node1: 1 / 3, node2: 1 / 3, node3: 1 / 3 });
    expect(exp.equalWeights).toBe(true);
    expect(exp.modelled).toBe(true);
    expect(exp.basis).toMatch(/^balance roundrobin \(line 20\)/);
  });

  test('weights 1:2:3 from the weighted fixture, each weight with its line', async () => {
    const facts = await factsOf('profiles/haproxy-weighted.yaml');
    const exp = expectedShares(facts.mqttBackend, view(facts));
    expect(exp.shares.node1).toBeCloseTo(1 / 6, 10);
    expect(exp.shares.node3).toBeCloseTo(3 / 6, 10);
    expect(exp.equalWeights).toBe(false);
    expect(exp.weightLines.map((w) => w.line)).toEqual([26, 27, 28]);
  });

  test('a DOWN server gets no share; the others split it by weight', async () => {
    const facts = await factsOf('profiles/haproxy-weighted.yaml');
    const exp = expectedShares(facts.mqttBackend, view(facts, { node3: 'DOWN' }));
    expect(exp.shares).toEqual({ node1: 1 / 3, node2: 2 / 3, node3: 0 });
    expect(exp.up).toEqual(['node1', 'node2']);
  });

  test('the broken skewed config contradicts the intended even spread, at the weight line', async () => {
    const profile = loadProfile(path.resolve('fixtures/broken/skewed-weights.yaml'));
    const facts = (await staticBalancerFacts(profile))!;
    const exp = expectedShares(facts.mqttBackend, view(facts));
    expect(exp.shares).toEqual({ node1: 0.4, node2: 0.4, node3: 0.2 });
    const intended = intendedShares(profile.thresholds.fairness?.intended_shares, ['node1', 'node2', 'node3'])!;
    expect(shareDistance(intended, exp.shares)).toBeCloseTo(2 / 15, 10);
    expect(exp.weightLines.find((w) => w.node === 'node3')).toMatchObject({ weight: 50, line: 31 });
    // What HAProxy then does (120/120/60) fails the even expectation but fits the config's own shares.
    expect(
      evaluate({
        algorithm: 'roundrobin',
        counts: { node1: 120, node2: 120, node3: 60 },
        shares: intended,
        criteria: DEFAULT_CRITERIA,
      }).fits,
    ).toBe(false);
    expect(
      evaluate({
        algorithm: 'roundrobin',
        counts: { node1: 120, node2: 120, node3: 60 },
        shares: exp.shares,
        criteria: DEFAULT_CRITERIA,
      }).fits,
    ).toBe(true);
  });

  test('client-id stickiness is recognised in the sticky fixture and absent elsewhere', async () => {
    expect((await factsOf('profiles/haproxy-clientid-sticky.yaml')).mqttBackend.clientIdStickiness?.value).toBe(true);
    expect((await factsOf('profiles/haproxy-source.yaml')).mqttBackend.clientIdStickiness).toBeUndefined();
  });

  test('intended shares: "even", a map, and refusals', () => {
    expect(intendedShares(undefined, ['node1', 'node2'])).toBeUndefined();
    expect(intendedShares('even', ['node1', 'node2'])).toEqual({ node1: 0.5, node2: 0.5 });
    expect(intendedShares({ node1: 1, node2: 3 }, ['node1', 'node2'])).toEqual({ node1: 0.25, node2: 0.75 });
    expect(() => intendedShares({ node9: 1 }, ['node1'])).toThrow(/intended_shares/);
    expect(() => intendedShares('uneven', ['node1'])).toThrow(/intended_shares/);
  });
});

describe('fairness settings and source addresses', () => {
  test('defaults, and wrong values refused naming the key', () => {
    const none = <T>(_k: string, fallback: T): T => fallback;
    const s = fairnessSettings(none);
    expect(s).toMatchObject({
      clients: 300,
      concurrency: 20,
      criteria: { jainMin: 0.98, pMin: 0.001 },
      sourceAddresses: 250,
      rebalance: { clients: 150, newClients: 75 },
    });
    const bad = <T>(k: string, fallback: T): T => (k === 'jain_min' ? (2 as T) : fallback);
    expect(() => fairnessSettings(bad)).toThrow(/thresholds\.fairness\.jain_min/);
  });

  test('source addresses cycle within 127.0.2.1–254', () => {
    expect(sourceAddress(0, 1)).toBe('127.0.2.1');
    expect(sourceAddress(5, 1)).toBe('127.0.2.1');
    expect(sourceAddress(3, 250)).toBe('127.0.2.4');
    expect(sourceAddress(300, 1000)).toBe('127.0.2.47');
  });
});

describe('passive checks only (NGINX open source)', () => {
  test('every server counts as taking traffic, whatever the view shows; weights from the server lines', async () => {
    const { facts } = await staticNginx(path.resolve('fixtures/real-world/nginx/good/03-stream-tls-offload.conf'), 3);
    const exp = expectedShares(
      facts.mqttBackend,
      view(facts, { node1: 'unknown', node2: 'unknown', node3: 'unknown' }),
    );
    expect(exp.shares).toEqual({ node1: 0.5, node2: 0.25, node3: 0.25 });
    expect(exp.basis).toMatch(/UP: node1, node2, node3$/);
  });
});
