/**
 * summary.json `metrics.<suite>.connect_phases`: how long each phase of a suite's client connections took, as
 * emqtt-bench reports them; every suite whose client pool opened a client records it.
 */
import { z } from 'zod';

/** One connection phase of a suite's clients: percentiles from an HDR histogram, buckets for the chart. */
export const ConnectPhaseStats = z.object({
  count: z.number(),
  p50_ms: z.number(),
  p99_ms: z.number(),
  max_ms: z.number(),
  /** Non-cumulative counts per bucket, upper bound inclusive (1-2-5 steps); empty leading/trailing buckets omitted. */
  buckets: z.array(z.object({ le_ms: z.number(), count: z.number() })),
});
export type ConnectPhaseStats = z.infer<typeof ConnectPhaseStats>;

/** A phase nobody went through is absent (`tls` without TLS clients, `ws_upgrade` without WebSocket). */
export const ConnectPhasesMetrics = z.object({
  /** Clients the suite's pool created. */
  clients: z.number(),
  /** Connection attempts: each client's first connect and each reconnect. */
  attempts: z.number(),
  /** Transports used: `tcp`, `tls` (mqtts), `ws`, `wss`. */
  transports: z.array(z.string()),
  /** Attempt start → TCP connected. */
  tcp: ConnectPhaseStats.optional(),
  /** TCP connected → TLS handshake done (mqtts, wss). */
  tls: ConnectPhaseStats.optional(),
  /** TCP (or TLS) done → HTTP 101 upgrade response (ws, wss). */
  ws_upgrade: ConnectPhaseStats.optional(),
  /** Attempt start → CONNACK accepted (the whole connect, all phases above included). */
  connack: ConnectPhaseStats.optional(),
  /** SUBSCRIBE written → SUBACK received, per SUBSCRIBE packet. */
  suback: ConnectPhaseStats.optional(),
});
export type ConnectPhasesMetrics = z.infer<typeof ConnectPhasesMetrics>;

/**
 * A built-in suite's metrics object: its own keys plus `connect_phases`, every key optional (a suite records its
 * metrics key by key, and a skipped test records none).
 */
export function suiteMetrics<T extends z.ZodRawShape>(shape: T) {
  return z.object({ ...shape, connect_phases: ConnectPhasesMetrics }).partial();
}

/** Each suite's `metrics.<suite>.connect_phases` (custom suites' too, when they have its shape), in the metrics' order. */
export function connectPhasesBySuite(metrics: Record<string, unknown>): Record<string, ConnectPhasesMetrics> {
  const out: Record<string, ConnectPhasesMetrics> = {};
  for (const [suite, value] of Object.entries(metrics)) {
    const phases = typeof value === 'object' && value !== null ? (value as { connect_phases?: unknown }) : undefined;
    const parsed = ConnectPhasesMetrics.safeParse(phases?.connect_phases);
    if (parsed.success) out[suite] = parsed.data;
  }
  return out;
}
