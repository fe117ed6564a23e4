/** Splitting a plan over agents: client-id ranges and source-address pools disjoint and covering, rates adding up. */
import { describe, expect, test } from '@jest/globals';
import { shares, splitPlan, splitPool } from './chunks.js';
import { clientIdOf, filtersOf, publishTopicOf, type LoadPlan } from '../load/plan.js';
import { addressFor } from '../load/addresses.js';

const plan: LoadPlan = {
  targets: [{ host: '127.0.0.1', port: 1883 }],
  clients: 1001,
  connectRate: 300,
  burst: 15,
  maxConnecting: 100,
  clientIdPrefix: 'c-',
  idOffset: 50,
  sourcePool: { offset: 10, size: 8 },
  groups: 4,
  subscribe: { every: 3, filters: ['t/{g}'], qos: 1 },
  publish: { every: 5, offset: 1, topic: 't/{g}', qos: 1, ratePerS: 10, count: 5, payloadBytes: 32 },
};

/** Every client of the chunks, as the one plan would number it: id, address, filters, publish topic. */
function clients(chunks: LoadPlan[]): Array<{ id: string; addr: string; filters: string[]; topic?: string }> {
  return chunks.flatMap((c) =>
    Array.from({ length: c.clients }, (_, i) => ({
      id: clientIdOf(c, i),
      addr: addressFor(c.sourcePool!, (c.idOffset ?? 0) + i),
      filters: filtersOf(c, i),
      ...(publishTopicOf(c, i) !== undefined ? { topic: publishTopicOf(c, i)! } : {}),
    })),
  );
}

describe('splitting a load plan over agents', () => {
  test('shares differ by at most one and add up', () => {
    expect(shares(10, 3)).toEqual([4, 3, 3]);
    expect(shares(2, 3)).toEqual([1, 1, 0]);
    expect(shares(9, 3)).toEqual([3, 3, 3]);
  });

  test('client-id ranges are consecutive, disjoint and cover the plan; topics and roles stay where one engine puts them', () => {
    const chunks = splitPlan(plan, 3);
    expect(chunks.map((c) => c.clients)).toEqual([334, 334, 333]);
    expect(chunks.map((c) => c.idOffset)).toEqual([50, 384, 718]);
    const whole = clients([{ ...plan, sourcePool: { offset: 10, size: 8 } }]);
    const split = clients(chunks);
    expect(split.map((c) => c.id)).toEqual(whole.map((c) => c.id));
    expect(new Set(split.map((c) => c.id)).size).toBe(plan.clients);
    expect(split.map((c) => [c.filters, c.topic])).toEqual(whole.map((c) => [c.filters, c.topic]));
  });

  test('source pools are disjoint slices covering the pool, and each agent binds only its own', () => {
    const chunks = splitPlan(plan, 3);
    expect(chunks.map((c) => c.sourcePool)).toEqual([
      { offset: 10, size: 3 },
      { offset: 13, size: 3 },
      { offset: 16, size: 2 },
    ]);
    const byAgent = chunks.map((c) => new Set(clients([c]).map((x) => x.addr)));
    const all = byAgent.flatMap((s) => [...s]);
    expect(new Set(all).size).toBe(all.length); // disjoint
    expect(new Set(all)).toEqual(new Set(clients([plan]).map((x) => x.addr))); // covering
  });

  test('a pool smaller than the agent count grows to one address per agent', () => {
    expect(splitPool({ offset: 0, size: 1 }, 3)).toEqual([
      { offset: 0, size: 1 },
      { offset: 1, size: 1 },
      { offset: 2, size: 1 },
    ]);
  });

  test('rate, burst, attempts in flight and error limit are shared; fewer clients than agents use fewer agents', () => {
    const chunks = splitPlan({ ...plan, maxErrors: 10 }, 3);
    expect(chunks.reduce((a, c) => a + c.connectRate, 0)).toBeCloseTo(300, 9);
    expect(chunks.every((c) => c.burst! >= 1 && c.maxConnecting! >= 1 && c.maxErrors! >= 1)).toBe(true);
    const few = splitPlan({ ...plan, clients: 2 }, 3);
    expect(few.map((c) => [c.clients, c.idOffset])).toEqual([
      [1, 50],
      [1, 51],
    ]);
    expect(() => splitPlan(plan, 0)).toThrow(/agents must be ≥ 1/);
  });
});
