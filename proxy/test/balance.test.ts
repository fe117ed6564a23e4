import { describe, expect, test } from '@jest/globals';
import { ClientIdBalancer } from '../balance/clientid.js';
import { createBalancer } from '../balance/index.js';
import { LeastConnBalancer } from '../balance/leastconn.js';
import { RandomTwoChoicesBalancer } from '../balance/random.js';
import { RoundRobinBalancer } from '../balance/roundrobin.js';
import { SourceHashBalancer } from '../balance/source.js';
import type { Balancer } from '../balance/types.js';
import { seededRandom } from './helpers/random.js';

interface T {
  name: string;
  weight: number;
  current: number;
}
const servers = (...weights: number[]): T[] => weights.map((weight, i) => ({ name: `s${i + 1}`, weight, current: 0 }));
const ctx = { sourceIp: '127.0.0.1' };

function counts(picks: (T | undefined)[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const p of picks) c[p!.name] = (c[p!.name] ?? 0) + 1;
  return c;
}

/** Assigns `n` long-lived connections (current grows) and returns current per server. */
function fill(
  b: Balancer<T>,
  set: T[],
  n: number,
  key: (i: number) => { sourceIp: string; clientId?: Buffer },
): number[] {
  for (let i = 0; i < n; i++) b.pick(set, key(i))!.current++;
  return set.map((s) => s.current);
}

describe('roundrobin (smooth weighted)', () => {
  test('weights 5,1,1 interleave like NGINX: a a b a c a a', () => {
    const set = servers(5, 1, 1);
    const b = new RoundRobinBalancer<T>();
    expect(Array.from({ length: 7 }, () => b.pick(set)!.name)).toEqual(['s1', 's1', 's2', 's1', 's3', 's1', 's1']);
  });
  test('exact proportions over whole cycles; equal weights cycle in order', () => {
    const b = new RoundRobinBalancer<T>();
    const set = servers(3, 2, 1);
    expect(counts(Array.from({ length: 600 }, () => b.pick(set)))).toEqual({ s1: 300, s2: 200, s3: 100 });
    const eq = servers(1, 1, 1);
    const rr = new RoundRobinBalancer<T>();
    expect(Array.from({ length: 6 }, () => rr.pick(eq)!.name)).toEqual(['s1', 's2', 's3', 's1', 's2', 's3']);
  });
  test('a server leaving the candidate set is skipped; it rejoins fairly', () => {
    const b = new RoundRobinBalancer<T>();
    const set = servers(1, 1, 1);
    expect(counts(Array.from({ length: 10 }, () => b.pick([set[0], set[2]])))).toEqual({ s1: 5, s3: 5 });
    expect(counts(Array.from({ length: 300 }, () => b.pick(set)))).toEqual({ s1: 100, s2: 100, s3: 100 });
  });
  test('no candidates → undefined', () => {
    expect(new RoundRobinBalancer<T>().pick([])).toBeUndefined();
  });
});

describe('leastconn', () => {
  test('picks the least loaded relative to weight', () => {
    const set = servers(1, 2, 1);
    set[0].current = 3;
    set[1].current = 4; // 2 per weight unit
    set[2].current = 1;
    expect(new LeastConnBalancer<T>().pick(set)!.name).toBe('s3');
  });
  test('ties rotate; long-lived connections stay within 1 of each other', () => {
    const set = servers(1, 1, 1);
    const b = new LeastConnBalancer<T>();
    expect(fill(b, set, 301, () => ctx).sort()).toEqual([100, 100, 101]);
  });
  test('with churn (random closes) every pick is a least-loaded server', () => {
    const rnd = seededRandom(7);
    const set = servers(1, 1, 2, 1);
    const b = new LeastConnBalancer<T>();
    for (let i = 0; i < 5_000; i++) {
      const min = Math.min(...set.map((s) => s.current / s.weight));
      const picked = b.pick(set)!;
      expect(picked.current / picked.weight).toBe(min);
      picked.current++;
      if (rnd() < 0.4) {
        const victim = set[Math.floor(rnd() * set.length)];
        if (victim.current > 0) victim.current--;
      }
    }
  });
  test('weights 2:1 give 2:1 long-lived connections', () => {
    const set = servers(2, 1);
    expect(fill(new LeastConnBalancer<T>(), set, 300, () => ctx)).toEqual([200, 100]);
  });
});

describe('source (weighted rendezvous hashing)', () => {
  const ips = Array.from({ length: 30_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  test('the same address always maps to the same server', () => {
    const set = servers(1, 1, 1);
    const b = new SourceHashBalancer<T>();
    for (const ip of ips.slice(0, 200)) {
      const first = b.pick(set, { sourceIp: ip });
      for (let k = 0; k < 3; k++) expect(b.pick(set, { sourceIp: ip })).toBe(first);
    }
    expect(new SourceHashBalancer<T>().pick([...set].reverse(), { sourceIp: ips[5] })!.name).toBe(
      b.pick(set, { sourceIp: ips[5] })!.name,
    );
  });
  test('spread over 30,000 addresses is even (chi-squared, df=2, p>0.001)', () => {
    const set = servers(1, 1, 1);
    const b = new SourceHashBalancer<T>();
    const c = counts(ips.map((ip) => b.pick(set, { sourceIp: ip })));
    const e = ips.length / 3;
    const chi2 = Object.values(c).reduce((a, o) => a + (o - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(13.8);
  });
  test('weights 2:1:1 give about 50/25/25 %', () => {
    const set = servers(2, 1, 1);
    const b = new SourceHashBalancer<T>();
    const c = counts(ips.map((ip) => b.pick(set, { sourceIp: ip })));
    expect(c.s1 / ips.length).toBeCloseTo(0.5, 1);
    expect(c.s2 / ips.length).toBeCloseTo(0.25, 1);
  });
  test('removing a server moves only its clients; adding it back restores them', () => {
    const set = servers(1, 1, 1);
    const b = new SourceHashBalancer<T>();
    const before = ips.map((ip) => b.pick(set, { sourceIp: ip })!.name);
    const without = ips.map((ip) => b.pick([set[0], set[2]], { sourceIp: ip })!.name);
    expect(ips.filter((_, i) => before[i] !== 's2' && without[i] !== before[i])).toEqual([]);
    expect(ips.map((ip) => b.pick(set, { sourceIp: ip })!.name)).toEqual(before);
  });
});

describe('random (power of two choices)', () => {
  test('long-lived connections stay balanced: max/mean < 1.05 over 3,000', () => {
    const set = servers(1, 1, 1);
    const loads = fill(new RandomTwoChoicesBalancer<T>(seededRandom(11)), set, 3_000, () => ctx);
    expect(Math.max(...loads) / 1_000).toBeLessThan(1.05);
  });
  test('weights 3:1 give about 3:1 long-lived connections', () => {
    const set = servers(3, 1);
    const [a, b] = fill(new RandomTwoChoicesBalancer<T>(seededRandom(12)), set, 4_000, () => ctx);
    expect(a / b).toBeGreaterThan(2.7);
    expect(a / b).toBeLessThan(3.3);
  });
  test('an overloaded server gets almost nothing while others are lighter', () => {
    const set = servers(1, 1, 1);
    set[0].current = 1_000;
    const b = new RandomTwoChoicesBalancer<T>(seededRandom(13));
    const c = counts(Array.from({ length: 300 }, () => b.pick(set)));
    expect(c.s1 ?? 0).toBe(0);
  });
  test('single candidate and empty set', () => {
    const set = servers(1);
    expect(new RandomTwoChoicesBalancer<T>().pick(set)).toBe(set[0]);
    expect(new RandomTwoChoicesBalancer<T>().pick([])).toBeUndefined();
  });
});

describe('clientid (consistent hashing with bounded loads)', () => {
  const ids = Array.from({ length: 9_000 }, (_, i) => Buffer.from(`device-${i}`));
  test('a client id always maps to the same server, whatever the server order', () => {
    const set = servers(1, 1, 1);
    const b = new ClientIdBalancer<T>(new RoundRobinBalancer<T>(), 1.25, set);
    const b2 = new ClientIdBalancer<T>(new RoundRobinBalancer<T>(), 1.25, [...set].reverse());
    for (const id of ids.slice(0, 500)) {
      const s = b.pick(set, { ...ctx, clientId: id });
      expect(b.pick(set, { ...ctx, clientId: id })).toBe(s);
      expect(b2.pick([...set].reverse(), { ...ctx, clientId: id })).toBe(s);
    }
  });
  test('without load the ring spreads ids within ±15 % of the mean', () => {
    const set = servers(1, 1, 1);
    const b = new ClientIdBalancer<T>(new RoundRobinBalancer<T>(), 1.25, set);
    const c = counts(ids.map((id) => b.pick(set, { ...ctx, clientId: id })));
    for (const v of Object.values(c)) expect(Math.abs(v - 3_000) / 3_000).toBeLessThan(0.15);
  });
  test('a server going away moves only its own clients (no load bound in play)', () => {
    const set = servers(1, 1, 1);
    const b = new ClientIdBalancer<T>(new RoundRobinBalancer<T>(), 1000, set);
    const before = ids.map((id) => b.pick(set, { ...ctx, clientId: id })!.name);
    const after = ids.map((id) => b.pick([set[0], set[1]], { ...ctx, clientId: id })!.name);
    expect(ids.filter((_, i) => before[i] !== 's3' && after[i] !== before[i])).toEqual([]);
    expect(before.filter((n) => n === 's3').length).toBeGreaterThan(0);
  });
  test('bounded loads: no server exceeds ceil(1.25 × mean) with long-lived clients', () => {
    const set = servers(1, 1, 1);
    const b = new ClientIdBalancer<T>(new RoundRobinBalancer<T>(), 1.25, set);
    const loads = fill(b, set, 9_000, (i) => ({ ...ctx, clientId: ids[i] }));
    expect(Math.max(...loads)).toBeLessThanOrEqual(Math.ceil(1.25 * 3_000));
  });
  test('a reconnecting client returns to its server while loads are steady', () => {
    const set = servers(1, 1, 1);
    const b = new ClientIdBalancer<T>(new RoundRobinBalancer<T>(), 1.25, set);
    const owner = ids.slice(0, 3_000).map((id) => {
      const s = b.pick(set, { ...ctx, clientId: id })!;
      s.current++;
      return s;
    });
    for (let i = 0; i < 3_000; i += 7) {
      owner[i].current--;
      const again = b.pick(set, { ...ctx, clientId: ids[i] })!;
      again.current++;
      expect(again).toBe(owner[i]);
    }
  });
  test('weights 2:1 give about 2:1 on the ring', () => {
    const set = servers(2, 1);
    const b = new ClientIdBalancer<T>(new RoundRobinBalancer<T>(), 1000, set);
    const c = counts(ids.map((id) => b.pick(set, { ...ctx, clientId: id })));
    expect(c.s1 / c.s2).toBeGreaterThan(1.6);
    expect(c.s1 / c.s2).toBeLessThan(2.5);
  });
  test('no client id → the fallback algorithm', () => {
    const set = servers(1, 1, 1);
    const b = createBalancer<T>({ algorithm: 'clientid', fallback: 'roundrobin', balanceFactor: 1.25, servers: set });
    expect(Array.from({ length: 6 }, () => b.pick(set, { ...ctx, clientId: null })!.name)).toEqual([
      's1',
      's2',
      's3',
      's1',
      's2',
      's3',
    ]);
    expect(b.pick(set, { ...ctx, clientId: Buffer.alloc(0) })!.name).toBe('s1');
  });
});
