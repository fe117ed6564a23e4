/** summary.json `metrics.pubsub`: cross-node deliveries per QoS, their latency, backend differences, session resume. */
import { z } from 'zod';
import { suiteMetrics } from './metrics-connect-phases.js';

/** One QoS level's 200 messages from a publisher on one node to a subscriber on another. */
export const PubsubQosMetrics = z.object({
  sub: z.string(),
  pub: z.string(),
  sent: z.number(),
  acked: z.number(),
  received: z.number(),
  ok: z.number(),
  lost: z.number(),
  duplicated: z.number(),
  unexpected: z.number(),
  reordered: z.number(),
  /** null: no message arrived. */
  p50_ms: z.number().nullable(),
  p99_ms: z.number().nullable(),
});
export type PubsubQosMetrics = z.infer<typeof PubsubQosMetrics>;

/** metrics.pubsub; every key optional (a test that did not run records nothing). */
export const PubsubMetrics = suiteMetrics({
  qos0: PubsubQosMetrics,
  qos1: PubsubQosMetrics,
  qos2: PubsubQosMetrics,
  /** Latency distribution of the QoS 1 cross-node round trips. */
  latency_ms: z.object({ p50: z.number(), p99: z.number(), max: z.number(), samples: z.array(z.number()).optional() }),
  /** What a non-EMQX backend does differently, measured through the balancer (only what it declares). */
  backend_differences: z.object({ qos2_granted: z.number().optional(), retained_seen_across: z.boolean().optional() }),
  /** A persistent session resumed through the balancer. */
  persistent_session: z.object({
    firstNode: z.string(),
    /** null: the node could not be told. */
    resumedNode: z.string().nullable(),
    sessionPresent: z.boolean(),
  }),
});
export type PubsubMetrics = z.infer<typeof PubsubMetrics>;
