/** summary.json `metrics.failover`: per scenario, detection and reconnect times, message accounting, timeline, series. */
import { z } from 'zod';
import { suiteMetrics } from './metrics-connect-phases.js';

/** A sample of per-node connection counts at time t (ms since the scenario's start). */
export const TimelineSample = z.object({
  t: z.number(),
  counts: z.record(z.string(), z.number()),
  /** Balancer server status per node, e.g. { node2: 'DOWN' }. */
  balancer: z.record(z.string(), z.string()).optional(),
});
export type TimelineSample = z.infer<typeof TimelineSample>;

/** `kind`: 'fault' | 'marked-down' | 'marked-up' | 'reconnected' | 'disconnect' | 'note', or another string. */
export const TimelineEvent = z.object({
  t: z.number(),
  kind: z.string(),
  node: z.string().optional(),
  detail: z.string().optional(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

const perQosSeries = z.record(z.string(), z.array(z.number()));
const band = z.object({ from_ms: z.number(), to_ms: z.number() });

/**
 * Per-second series of one failover scenario, built from its recorded timeline and message stream (bucket i covers
 * [t[i], t[i] + step_ms) ms since the scenario's start). Message figures are deliveries (message × subscriber), as
 * in `perQos`; keys of the per-QoS records are "0", "1", "2".
 */
export const FailoverSeries = z.object({
  step_ms: z.number(),
  /** Start of each bucket, ms since the scenario's start. */
  t: z.array(z.number()),
  /** Deliveries due from what was published in the bucket (published messages × subscribers of that QoS). */
  sent: perQosSeries,
  /** Deliveries that arrived in the bucket, duplicates included. */
  received: perQosSeries,
  /** Acknowledged messages published in the bucket that a subscriber never got (by send time). */
  lost: perQosSeries,
  /** Extra copies that arrived in the bucket (by arrival time). */
  duplicated: perQosSeries,
  /** End-to-end latency of first deliveries that arrived in the bucket, all QoS; null: none arrived. */
  latency_p50_ms: z.array(z.number().nullable()),
  latency_p99_ms: z.array(z.number().nullable()),
  /** Live connections per node: the last sample in the bucket; null: no sample, or the node's API did not answer. */
  connections: z.record(z.string(), z.array(z.number().nullable())),
  /** Fault intervals: from the fault to its undo (restart, resume) or the end of the record; a reload for its duration. */
  faults: z.array(band.extend({ kind: z.string(), node: z.string().optional() })),
  /** The balancer's state of each node's server over time (UP, DOWN, MAINT, NOLB, …), as consecutive bands. */
  states: z.record(z.string(), z.array(band.extend({ state: z.string() }))),
});
export type FailoverSeries = z.infer<typeof FailoverSeries>;

/** Deliveries of one QoS level over a scenario. */
export const QosTotals = z.object({
  sent: z.number(),
  received: z.number(),
  lost: z.number(),
  duplicated: z.number(),
  reordered: z.number(),
  unexpected: z.number(),
});

/** One failover scenario; scenario-specific context keys (attempts, notes, …) are kept beside these. */
export const FailoverMetrics = z.looseObject({
  detection_ms: z.number().nullable(),
  reconnect_p50_ms: z.number().nullable().optional(),
  reconnect_p99_ms: z.number().nullable(),
  reconnect_max_ms: z.number().nullable().optional(),
  /** Reconnect time per affected client, ms (for the distribution chart). */
  reconnect_ms: z.array(z.number()).optional(),
  lost: z.number(),
  duplicated: z.number(),
  perQos: z.record(z.string(), QosTotals).optional(),
  timeline: z.object({ samples: z.array(TimelineSample), events: z.array(TimelineEvent) }).optional(),
  /** Per-second series for the time-series chart (absent in summaries written before it existed). */
  series: FailoverSeries.optional(),
});
export type FailoverMetrics = z.infer<typeof FailoverMetrics>;

/** metrics.failover = { scenarios: { [scenario]: FailoverMetrics }, connect_phases } */
export const FailoverSuiteMetrics = suiteMetrics({ scenarios: z.record(z.string(), FailoverMetrics) });
export type FailoverSuiteMetrics = z.infer<typeof FailoverSuiteMetrics>;
