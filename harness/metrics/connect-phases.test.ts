/**
 * Aggregation of connection phases into summary.json's `connect_phases`, fed with the shape a real run recorded
 * (haproxy-roundrobin, pubsub suite, stand-in × 3 on this 2-core machine: 24 clients, every attempt accepted).
 */
import { describe, expect, test } from '@jest/globals';
import { BUCKET_BOUNDS_MS, ConnectPhaseHistograms } from './connect-phases.js';

/** Phase times (ms) with the distribution the pubsub run above recorded: its buckets, maxima and counts. */
const TCP = [
  0.8, 0.9, 1.4, 1.9, 2.6, 3.1, 3.3, 3.5, 3.7, 3.8, 3.9, 4.1, 4.4, 4.9, 5.6, 6.2, 6.8, 7.4, 8.1, 8.8, 9.6, 12.3, 17.9,
  25.8,
];
const CONNACK = [
  6.1, 7.9, 9.2, 11.4, 12.6, 13.3, 14.2, 15.1, 15.8, 16.9, 18.2, 19.7, 21.3, 24.6, 27.9, 31.2, 36.4, 41.8, 48.9,
];
const CONNACK_SLOW = [118.4, 162.5, 187.9, 254.2, 269.34];
const SUBACK = [4.2, 6.1, 7.3, 8.8, 9.9, 11.2, 14.6, 19.8, 20.71];

function recorded(): ConnectPhaseHistograms {
  const h = new ConnectPhaseHistograms();
  h.clients = 24;
  h.attempts = 24;
  h.transports.add('tcp');
  for (const v of TCP) h.record('tcp', v);
  for (const v of [...CONNACK, ...CONNACK_SLOW]) h.record('connack', v);
  for (const v of SUBACK) h.record('suback', v);
  return h;
}

describe('ConnectPhaseHistograms', () => {
  test('summary: counts, percentiles within HDR precision, max exact, absent phases left out', () => {
    const m = recorded().summary();
    expect(m).toMatchObject({ clients: 24, attempts: 24, transports: ['tcp'] });
    expect(Object.keys(m)).toEqual(['clients', 'attempts', 'transports', 'tcp', 'connack', 'suback']);
    expect(m.tcp).toMatchObject({ count: 24, max_ms: 25.8 });
    expect(m.tcp!.p50_ms).toBeCloseTo(4.1, 1); // the 12th of 24 (nearest rank)
    expect(m.tcp!.p99_ms).toBe(25.8); // the 24th of 24 values: the maximum, not HDR's bucket top above it
    expect(m.connack).toMatchObject({ count: 24, p99_ms: 269.34, max_ms: 269.34 });
    expect(m.connack!.p50_ms).toBeCloseTo(19.7, 1);
    expect(m.suback).toMatchObject({ count: 9, max_ms: 20.71 });
    expect(m.suback!.p50_ms).toBeCloseTo(9.9, 1);
  });

  test('buckets: 1-2-5 upper bounds, trimmed at both ends, gaps kept as zero, counts adding up', () => {
    const m = recorded().summary();
    expect(m.tcp!.buckets).toEqual([
      { le_ms: 1, count: 2 },
      { le_ms: 2, count: 2 },
      { le_ms: 5, count: 10 },
      { le_ms: 10, count: 7 },
      { le_ms: 20, count: 2 },
      { le_ms: 50, count: 1 },
    ]);
    expect(m.connack!.buckets.map((b) => [b.le_ms, b.count])).toEqual([
      [10, 3],
      [20, 9],
      [50, 7],
      [100, 0],
      [200, 3],
      [500, 2],
    ]);
    for (const phase of [m.tcp!, m.connack!, m.suback!])
      expect(phase.buckets.reduce((a, b) => a + b.count, 0)).toBe(phase.count);
  });

  test('bounds and edge values: a value on a bound is in that bucket; beyond 60 s in the last; junk ignored', () => {
    expect(BUCKET_BOUNDS_MS.slice(0, 4)).toEqual([0.05, 0.1, 0.2, 0.5]);
    expect(BUCKET_BOUNDS_MS.at(-1)).toBe(60_000);
    const h = new ConnectPhaseHistograms();
    h.record('tls', 2);
    h.record('tls', 0.0004); // below 1 µs: counted in the first bucket
    h.record('tls', 90_000);
    h.record('tls', Number.NaN);
    h.record('tls', -1);
    const tls = h.summary().tls!;
    expect(tls.count).toBe(3);
    expect(tls.buckets[0]).toEqual({ le_ms: 0.05, count: 1 });
    expect(tls.buckets.find((b) => b.le_ms === 2)?.count).toBe(1);
    expect(tls.buckets.at(-1)).toEqual({ le_ms: 60_000, count: 1 });
    expect(tls.max_ms).toBe(90_000);
  });
});
