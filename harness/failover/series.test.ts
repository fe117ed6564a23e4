import { describe, expect, test } from '@jest/globals';
import type { TimelineEvent, TimelineSample } from '../report/summary-types.js';
import { failoverSeries, faultIntervals, stateBands } from './series.js';
import { TrafficRecord } from './traffic-record.js';
import { stampPayload } from '../load/payload.js';

/** A kill of node2 at 3 s, marked DOWN at 4.5 s, restarted at 8 s, UP again at 9 s: samples every 250 ms. */
function timeline(): { samples: TimelineSample[]; events: TimelineEvent[] } {
  const samples: TimelineSample[] = [];
  for (let t = 0; t <= 9750; t += 250) {
    const down = t >= 3000 && t < 8000;
    const moved = down ? Math.min(10, Math.floor((t - 3000) / 200)) : 0;
    samples.push({
      t,
      counts: { node1: 10 + Math.ceil(moved / 2), node2: down ? 0 : 10, node3: 10 + Math.floor(moved / 2) },
      balancer: { node1: 'UP', node2: t >= 4500 && t < 9000 ? 'DOWN' : 'UP', node3: 'UP' },
    });
  }
  const events: TimelineEvent[] = [
    { t: 0, kind: 'note', detail: '30 clients placed' },
    { t: 3000, kind: 'fault', node: 'node2', detail: 'kill' },
    { t: 4500, kind: 'marked-down', node: 'node2', detail: 'check L4CON' },
    { t: 5200, kind: 'reconnected', detail: '10/10 affected clients back' },
    { t: 8000, kind: 'fault', node: 'node2', detail: 'restart' },
    { t: 9000, kind: 'marked-up', node: 'node2' },
  ];
  return { samples, events };
}

const T0 = 1_700_000_000_000;
const payload = (stream: string, seq: number, sentAt: number): Buffer => stampPayload(stream, seq, 0, sentAt);

/**
 * One publisher at 10 msg/s per QoS from 0.5 s to 9.9 s; subscribers: one on QoS 0, two on QoS 1, one on QoS 2.
 * Normally delivered after 5 ms. Between 3 s and 4 s QoS 0 is lost and QoS 1 arrives late at 4.2 s (one copy
 * twice, at 4.3 s); QoS 2 is unaffected. Recorded through TrafficRecord, as the stream records it.
 */
function traffic(): TrafficRecord {
  const record = new TrafficRecord((at) => at - T0);
  const subs: Array<[string, number]> = [
    ['s0', 0],
    ['s1a', 1],
    ['s1b', 1],
    ['s2', 2],
  ];
  for (const [, q] of subs) record.subscriber(q);
  for (let seq = 0, t = 500; t < 10_000; seq++, t += 100) {
    for (const q of [0, 1, 2]) {
      const stream = `pub1/q${q}`;
      record.sent(stream, seq, q, T0 + t);
      record.acked(stream, seq);
      const inFault = t >= 3000 && t < 4000;
      for (const [id, sq] of subs.filter(([, sq]) => sq === q)) {
        if (inFault && q === 0) continue;
        const arrival = inFault && q === 1 ? 4200 : t + 5;
        record.received(id, sq, payload(stream, seq, T0 + t), T0 + arrival);
        if (inFault && q === 1 && id === 's1a' && t === 3500)
          record.received(id, sq, payload(stream, seq, T0 + t), T0 + 4300);
      }
    }
  }
  record.received('s2', 2, Buffer.from('probe'), T0 + 100);
  return record;
}

describe('failoverSeries', () => {
  const series = failoverSeries({ timeline: timeline(), traffic: traffic().data() });

  test('one bucket per second over the whole record', () => {
    expect(series.step_ms).toBe(1000);
    expect(series.t).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
  });

  test('sent and received per QoS in deliveries (messages × subscribers); a probe is not counted', () => {
    expect(series.sent['0']).toEqual([5, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(series.sent['1']).toEqual([10, 20, 20, 20, 20, 20, 20, 20, 20, 20]);
    expect(series.received['0']![3]).toBe(0);
    expect(series.received['1']![3]).toBe(0);
    expect(series.received['1']![4]).toBe(20 + 20 + 1);
    expect(series.received['2']).toEqual(series.sent['2']);
  });

  test('lost by send second, duplicated by arrival second', () => {
    expect(series.lost['0']).toEqual([0, 0, 0, 10, 0, 0, 0, 0, 0, 0]);
    expect(series.lost['1']!.every((n) => n === 0)).toBe(true);
    expect(series.duplicated['1']).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  });

  test('latency p50/p99 of first deliveries per arrival second', () => {
    expect(series.latency_p50_ms[1]).toBe(5);
    expect(series.latency_p99_ms[1]).toBe(5);
    expect(series.latency_p99_ms[4]).toBeGreaterThanOrEqual(1000);
    expect(series.latency_p50_ms[3]).toBe(5); // QoS 2 still flows
  });

  test('connections per node: the last sample of each second', () => {
    expect(series.connections.node2).toEqual([10, 10, 10, 0, 0, 0, 0, 0, 10, 10]);
    expect(series.connections.node1![2]).toBe(10);
    expect(series.connections.node1![6]).toBe(15);
  });

  test('the fault interval runs from the kill to the restart; server states as bands', () => {
    expect(series.faults).toEqual([{ from_ms: 3000, to_ms: 8000, kind: 'kill', node: 'node2' }]);
    expect(series.states.node2).toEqual([
      { from_ms: 0, to_ms: 4500, state: 'UP' },
      { from_ms: 4500, to_ms: 9000, state: 'DOWN' },
      { from_ms: 9000, to_ms: 9905, state: 'UP' },
    ]);
    expect(series.states.node1).toEqual([{ from_ms: 0, to_ms: 9905, state: 'UP' }]);
  });

  test('a fault never undone lasts to the end; a reload lasts as long as its detail says', () => {
    const events: TimelineEvent[] = [
      { t: 2000, kind: 'fault', node: 'node3', detail: 'pause' },
      { t: 4000, kind: 'reload', detail: 'balancer reloaded in 120 ms' },
    ];
    expect(faultIntervals(events, 9000)).toEqual([
      { from_ms: 2000, to_ms: 9000, kind: 'pause', node: 'node3' },
      { from_ms: 4000, to_ms: 4120, kind: 'reload' },
    ]);
  });

  test('without a stream (idle fleet): connections, faults and states only', () => {
    const idle = failoverSeries({ timeline: timeline() });
    expect(idle.sent).toEqual({});
    expect(idle.latency_p50_ms.every((v) => v === null)).toBe(true);
    expect(idle.connections.node2).toHaveLength(10);
    expect(Object.keys(stateBands(timeline().samples, 9750))).toEqual(['node1', 'node2', 'node3']);
  });
});
