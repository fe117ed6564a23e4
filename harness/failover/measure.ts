/**
 * Figures of a failover scenario from the recorded client events and the stream's ledgers:
 * reconnect times of the affected clients, how long they were stuck, what their attempts ended with,
 * and the FailoverMetrics record for summary.json.
 */
import type { FailoverMetrics } from '../report/summary-types.js';
import { percentile } from '../metrics/delivery.js';
import type { FleetMember } from './fleet.js';
import type { ScenarioTimeline } from './timeline.js';
import type { Qos, QosTotals } from './traffic.js';
import { seconds } from './check-facts.js';
import { failoverSeries } from './series.js';

export interface Spread {
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export function spread(values: number[]): Spread {
  if (!values.length) return { p50: null, p99: null, max: null };
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) };
}

/** Fault → first CONNACK after it, per client; clients without one are `missing`. */
export function reconnectTimes(members: FleetMember[], t0: number): { ms: number[]; missing: string[] } {
  const ms: number[] = [];
  const missing: string[] = [];
  for (const m of members) {
    const back = m.events.firstAfter('connack', t0);
    if (back) ms.push(back.at - t0);
    else missing.push(m.id);
  }
  return { ms, missing };
}

/** Fault → the client noticing (its connection closed), per client: how long it was stuck on the node. */
export function stuckTimes(members: FleetMember[], t0: number): { ms: number[]; never: string[] } {
  const ms: number[] = [];
  const never: string[] = [];
  for (const m of members) {
    const closed = m.events.firstAfter('close', t0);
    if (closed) ms.push(closed.at - t0);
    else never.push(m.id);
  }
  return { ms, never };
}

export interface AttemptSummary {
  attempts: number;
  accepted: number;
  /** The balancer accepted the TCP connection, then it closed without a CONNACK. */
  closedWithoutConnack: number;
  closedMedianMs: number | null;
  errors: Record<string, number>;
}

export function attemptSummary(members: FleetMember[], from: number, to: number): AttemptSummary {
  const all = members.flatMap((m) => m.events.attempts(from, to));
  const closed = all.filter((a) => a.outcome === 'closed');
  const errors: Record<string, number> = {};
  for (const e of all.flatMap((a) => a.errors)) errors[e] = (errors[e] ?? 0) + 1;
  return {
    attempts: all.length,
    accepted: all.filter((a) => a.outcome === 'connack').length,
    closedWithoutConnack: closed.length,
    closedMedianMs: closed.length
      ? percentile(
          closed.map((a) => a.durationMs),
          50,
        )
      : null,
    errors,
  };
}

export function describeAttempts(s: AttemptSummary): string {
  if (!s.attempts) return 'no reconnect attempts';
  const errs = Object.entries(s.errors)
    .map(([e, n]) => `${n}× "${e}"`)
    .join(', ');
  return `${s.attempts} attempts: ${s.accepted} got a CONNACK, ${s.closedWithoutConnack} were closed without one${s.closedMedianMs === null ? '' : ` (median after ${seconds(s.closedMedianMs)})`}${errs ? `; client errors: ${errs}` : ''}`;
}

export interface MetricsInput {
  detectionMs: number | null;
  reconnectMs: number[];
  traffic?: Record<Qos, QosTotals>;
  timeline: ScenarioTimeline;
  extra?: Record<string, unknown>;
}

/** `lost` and `duplicated` count QoS 1 and 2 deliveries (QoS 0 may lose by design; it is in perQos). */
export function failoverMetrics(i: MetricsInput): FailoverMetrics & Record<string, unknown> {
  const s = spread(i.reconnectMs);
  const perQos = i.traffic ? Object.fromEntries(Object.entries(i.traffic).map(([q, t]) => [q, t])) : undefined;
  return {
    detection_ms: i.detectionMs,
    reconnect_p50_ms: s.p50,
    reconnect_p99_ms: s.p99,
    reconnect_max_ms: s.max,
    reconnect_ms: i.reconnectMs,
    lost: i.traffic ? i.traffic[1].lost + i.traffic[2].lost : 0,
    duplicated: i.traffic ? i.traffic[1].duplicated + i.traffic[2].duplicated : 0,
    ...(perQos ? { perQos } : {}),
    timeline: i.timeline.toJSON(),
    series: failoverSeries({ timeline: i.timeline.toJSON(), traffic: i.timeline.traffic.data() }),
    ...i.extra,
  };
}
