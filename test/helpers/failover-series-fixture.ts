/** A realistic FailoverSeries for report fixtures: the series builder fed a stream recorded around a fault. */
import type { FailoverMetrics, FailoverSeries } from '../../harness/report/summary-types.js';
import { failoverSeries } from '../../harness/failover/series.js';
import { TrafficRecord } from '../../harness/failover/traffic-record.js';

const T0 = 1_700_000_000_000;

/**
 * 3 publishers at 20 msg/s per QoS, one subscriber per QoS plus a second on QoS 1, from 0.5 s to the end. Between
 * `outFrom` and `outTo` (ms) QoS 0 to the failed node's subscribers is lost and QoS 1/2 waits for the reconnect
 * (arrives at `outTo`, a few QoS 1 copies twice); otherwise deliveries take 2–6 ms.
 */
export function recordedTraffic(endMs: number, outFrom: number, outTo: number): TrafficRecord {
  const record = new TrafficRecord((at) => at - T0);
  const subs: Array<[string, number]> = [
    ['s0', 0],
    ['s1a', 1],
    ['s1b', 1],
    ['s2', 2],
  ];
  for (const [, q] of subs) record.subscriber(q);
  let n = 0;
  for (let seq = 0, t = 500; t < endMs; seq++, t += 50) {
    for (const p of ['p1', 'p2', 'p3'])
      for (const q of [0, 1, 2]) {
        const stream = `${p}/q${q}`;
        record.sent(stream, seq, q, T0 + t);
        record.acked(stream, seq);
        const out = t >= outFrom && t < outTo && p === 'p2';
        for (const [id] of subs.filter(([, sq]) => sq === q)) {
          if (out && q === 0) continue;
          const arrival = out ? outTo + (n++ % 40) * 5 : t + 2 + (n++ % 5);
          const payload = Buffer.from(JSON.stringify({ p: stream, s: seq, t: T0 + t }));
          record.received(id, q, payload, T0 + arrival);
          if (out && q === 1 && seq % 7 === 0) record.received(id, q, payload, T0 + arrival + 30);
        }
      }
  }
  return record;
}

export function seriesFor(timeline: NonNullable<FailoverMetrics['timeline']>, detectMs: number): FailoverSeries {
  const fault = timeline.events.find((e) => e.kind === 'fault')?.t ?? 3000;
  const end = Math.max(...timeline.samples.map((s) => s.t));
  return failoverSeries({ timeline, traffic: recordedTraffic(end, fault, fault + detectMs + 1500).data() });
}
