/** summary.json `metrics.capacity`: the connections ramp and the connect-rate ramp, their knees and the limits named. */
import { z } from 'zod';
import { suiteMetrics } from './metrics-connect-phases.js';

/** Failures by class (`refused`, `timeout`, `reset`, …): the load engine's ErrorClass. */
const ErrorCounts = z.record(z.string(), z.number());

/** A limit that caps the connections (or the connect rate), named with its config line or machine source. */
export const CapacityLimit = z.object({
  kind: z.string(),
  /** In the config's (or the machine's) words: "maxconn 50 on each of 3 servers". */
  what: z.string(),
  /** Concurrent connections it admits (connects per second for rate-limit-sessions). */
  slots: z.number(),
  file: z.string().optional(),
  line: z.number().optional(),
  source: z.string(),
  remedy: z.string(),
  note: z.string().optional(),
});
export type CapacityLimit = z.infer<typeof CapacityLimit>;

/** One step of the connections ramp. */
export const RampStep = z.object({
  step: z.number(),
  /** Connections attempted so far (all steps). */
  attempted: z.number(),
  /** Concurrent connections held after this step. */
  connected: z.number(),
  failed: z.number(),
  dropped: z.number(),
  errors: ErrorCounts,
  connectRate: z.number(),
  attemptsPerS: z.number(),
  readyPerS: z.number(),
  connack_p50_ms: z.number().nullable(),
  connack_p99_ms: z.number().nullable(),
  tcp_p99_ms: z.number().nullable(),
  /** Seconds since the ramp started, at the end of this step. */
  at_s: z.number(),
});

/** One asked rate of the connect-rate ramp. */
export const RateStep = z.object({
  rate: z.number(),
  clients: z.number(),
  attemptsPerS: z.number(),
  readyPerS: z.number(),
  failed: z.number(),
  errors: ErrorCounts,
  connack_p50_ms: z.number().nullable(),
  connack_p99_ms: z.number().nullable(),
  tcp_p99_ms: z.number().nullable(),
});

const LoadCounts = z.object({
  clients: z.number(),
  attempted: z.number(),
  ready: z.number(),
  failed: z.number(),
  /** Values recorded per phase (tcp, connack, …): histogram total counts. */
  histogram_counts: z.record(z.string(), z.number()),
});

/** Where the clients ran (harness/agents/tally.ts): in-process or a launcher's agents, per agent and merged. */
export const LoadSpread = LoadCounts.extend({
  runner: z.string(),
  agents: z.number(),
  per_agent: z.array(LoadCounts.extend({ agent: z.number() })),
});

export const ConnectionsMetrics = z.object({
  target: z.number(),
  step: z.number(),
  connect_rate: z.number(),
  source_addresses: z.number(),
  /** Why the ramp ended: `target`, `refused`, `errors`, `budget`. */
  end: z.string(),
  knee: z.object({
    /** The most concurrent connections held at any step. */
    plateau: z.number(),
    errorStep: z.number().optional(),
    errorsAt: z.number().optional(),
    latencyStep: z.number().optional(),
    latencyAt: z.number().optional(),
    baselineP99Ms: z.number().nullable(),
  }),
  /** The first limit reached; null: none named. */
  limit: CapacityLimit.nullable(),
  limits: z.array(CapacityLimit),
  errors: ErrorCounts,
  limits_hit: z.array(z.string()),
  steps: z.array(RampStep),
  /** The balancer's current connections per server over the ramp. */
  nodes_over_time: z.array(z.object({ t_s: z.number(), nodes: z.record(z.string(), z.number()) })),
  /** Why nodes_over_time is empty (e.g. an external target has no server view). */
  nodes_unavailable: z.string().optional(),
  load: LoadSpread.optional(),
});
export type ConnectionsMetrics = z.infer<typeof ConnectionsMetrics>;

export const ConnectRateMetrics = z.object({
  rates: z.array(z.number()),
  max_clients: z.number(),
  /** Why the ramp ended: `last-rate`, `errors`, `saturated`, `budget`. */
  end: z.string(),
  knee: z.object({
    sustainedRate: z.number().optional(),
    sustainedReadyPerS: z.number().optional(),
    kneeRate: z.number().optional(),
    kneeReadyPerS: z.number().optional(),
    engineBound: z.boolean(),
  }),
  limit: CapacityLimit.nullable(),
  steps: z.array(RateStep),
  load: LoadSpread.optional(),
});

/** metrics.capacity; every key optional (a test that did not run records nothing). */
export const CapacityMetrics = suiteMetrics({ connections: ConnectionsMetrics, connect_rate: ConnectRateMetrics });
export type CapacityMetrics = z.infer<typeof CapacityMetrics>;
