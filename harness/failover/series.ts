/**
 * Per-second series of a failover scenario from its recorded timeline and message stream: messages sent and
 * received per QoS, latency p50/p99, connections per node, lost and duplicated, fault intervals, server-state bands.
 */
import type { FailoverSeries, TimelineEvent, TimelineSample } from '../report/summary-types.js';
import { percentile } from '../metrics/delivery.js';
import type { RecordedTraffic } from './traffic-record.js';

/** Verbs that end a fault on their node (a kill or stop ends at the restart, a pause at the resume). */
const UNDOES = new Set(['restart', 'resume', 'start']);
/** More than ten minutes of buckets is not a failover scenario: the series stop there. */
const MAX_BUCKETS = 600;

export interface SeriesInput {
  timeline: { samples: TimelineSample[]; events: TimelineEvent[] };
  traffic?: RecordedTraffic;
  stepMs?: number;
}

function lastTime(input: SeriesInput): number {
  const tr = input.traffic;
  return Math.max(
    0,
    ...input.timeline.samples.map((s) => s.t),
    ...input.timeline.events.map((e) => e.t),
    ...(tr?.sends ?? []).map((s) => s.t),
    ...(tr?.deliveries ?? []).map((d) => d.t),
  );
}

/** Fault events paired with their undo; a balancer reload lasts as long as its detail says ("… in 120 ms"). */
export function faultIntervals(events: TimelineEvent[], endMs: number): FailoverSeries['faults'] {
  const out: FailoverSeries['faults'] = [];
  const open = new Map<string, FailoverSeries['faults'][number]>();
  for (const e of [...events].sort((a, b) => a.t - b.t)) {
    if (e.kind === 'reload') {
      const ms = Number(/(\d+(?:\.\d+)?) ms/.exec(e.detail ?? '')?.[1] ?? 0);
      out.push({ from_ms: e.t, to_ms: e.t + ms, kind: 'reload' });
      continue;
    }
    if (e.kind !== 'fault') continue;
    const node = e.node ?? '';
    const verb = e.detail ?? 'fault';
    const running = open.get(node);
    if (running) {
      running.to_ms = e.t;
      open.delete(node);
    }
    if (UNDOES.has(verb)) continue;
    const interval = { from_ms: e.t, to_ms: endMs, kind: verb, ...(e.node ? { node: e.node } : {}) };
    out.push(interval);
    open.set(node, interval);
  }
  return out;
}

/** Consecutive samples with the same status of a node's server, as bands (a sample's state lasts until the next). */
export function stateBands(samples: TimelineSample[], endMs: number): FailoverSeries['states'] {
  const bands: FailoverSeries['states'] = {};
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  sorted.forEach((s, i) => {
    const until = sorted[i + 1]?.t ?? Math.max(endMs, s.t);
    for (const [node, state] of Object.entries(s.balancer ?? {})) {
      const list = (bands[node] ??= []);
      const last = list.at(-1);
      if (last && last.state === state && last.to_ms === s.t) last.to_ms = until;
      else list.push({ from_ms: s.t, to_ms: until, state });
    }
  });
  return bands;
}

const perQos = (qos: string[], n: number): Record<string, number[]> =>
  Object.fromEntries(qos.map((q) => [q, new Array<number>(n).fill(0)]));

export function failoverSeries(input: SeriesInput): FailoverSeries {
  const step = input.stepMs ?? 1000;
  const end = lastTime(input);
  const n = Math.min(MAX_BUCKETS, Math.floor(end / step) + 1);
  const bucket = (t: number): number => Math.floor(Math.max(0, t) / step);
  const inRange = (i: number): boolean => i < n;
  const tr = input.traffic;
  const qos = [
    ...new Set([...Object.keys(tr?.subscribersPerQos ?? {}), ...(tr?.sends ?? []).map((s) => String(s.qos))]),
  ].sort();
  const sent = perQos(qos, n);
  const received = perQos(qos, n);
  const lost = perQos(qos, n);
  const duplicated = perQos(qos, n);
  for (const s of tr?.sends ?? []) {
    const i = bucket(s.t);
    if (!inRange(i)) continue;
    const owed = tr?.subscribersPerQos[String(s.qos)] ?? 0;
    sent[String(s.qos)]![i]! += owed;
    if (s.acked) lost[String(s.qos)]![i]! += Math.max(0, owed - s.deliveredTo);
  }
  const latencies: number[][] = Array.from({ length: n }, () => []);
  for (const d of tr?.deliveries ?? []) {
    const i = bucket(d.t);
    if (!inRange(i)) continue;
    received[String(d.qos)]![i]! += 1;
    if (d.duplicate) duplicated[String(d.qos)]![i]! += 1;
    else latencies[i]!.push(d.latencyMs);
  }
  const connections: FailoverSeries['connections'] = {};
  for (const s of [...input.timeline.samples].sort((a, b) => a.t - b.t)) {
    const i = bucket(s.t);
    if (!inRange(i)) continue;
    for (const node of Object.keys(connections)) if (!(node in s.counts)) connections[node]![i] = null;
    for (const [node, count] of Object.entries(s.counts)) {
      (connections[node] ??= new Array<number | null>(n).fill(null))[i] = count;
    }
  }
  const at = (p: number) => latencies.map((l) => (l.length ? percentile(l, p) : null));
  return {
    step_ms: step,
    t: Array.from({ length: n }, (_, i) => i * step),
    sent,
    received,
    lost,
    duplicated,
    latency_p50_ms: at(50),
    latency_p99_ms: at(99),
    connections,
    faults: faultIntervals(input.timeline.events, end),
    states: stateBands(input.timeline.samples, end),
  };
}
