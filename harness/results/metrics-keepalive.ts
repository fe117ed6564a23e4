/** summary.json `metrics.keepalive`: the balancer's idle timeout against the clients' keepalive, static and observed. */
import { z } from 'zod';
import { suiteMetrics } from './metrics-connect-phases.js';

/** metrics.keepalive; every key optional (a test that did not run records nothing). */
export const KeepaliveMetrics = suiteMetrics({
  /** The config check: the shortest effective idle timeout on the clients' paths against factor × keepalive. */
  static: z.object({
    keepalive_s: z.number(),
    factor: z.number(),
    /** null: no idle timeout applies. */
    effective_idle_ms: z.number().nullable(),
    required_ms: z.number(),
    /** The config line of the shortest timeout; null: none. */
    line: z.number().nullable(),
    transports: z.array(z.string()),
    ok: z.boolean(),
  }),
  /** The observed check: idle clients through the balancer for a bounded time. */
  dynamic: z.object({
    keepalive_s: z.number(),
    idle_ms: z.number(),
    idled_ms: z.number(),
    target_ms: z.number(),
    bounded: z.boolean(),
    clients: z.number(),
    cut: z.number(),
    cut_after_ms: z.array(z.number()),
    notes: z.array(z.string()),
  }),
});
export type KeepaliveMetrics = z.infer<typeof KeepaliveMetrics>;
