/**
 * Failover thresholds and parameters (profile `thresholds.failover.*`): one zod schema (snake_case as written in
 * YAML, with defaults that a reasonable production config meets: fixtures/haproxy/production, HTTP check, inter 1s
 * fall 2 rise 2), referenced from the profile schema so a typo is refused at its file:line.
 */
import { z } from 'zod';
import { parseThresholds } from '../suite/threshold-parse.js';
import { STORM_DEFAULTS, stormSchema, stormSettings, type StormSettings } from './storm-settings.js';

export interface FailoverThresholds {
  /** Crash or graceful stop → balancer marks the node DOWN. */
  detectionMs: number;
  /** Hung node (SIGSTOP / container pause) → marked DOWN; an app-level check needs fall × (inter + check timeout). */
  hangDetectionMs: number;
  /** Fault → every affected client has a CONNACK again. */
  reconnectAllMs: number;
  /** Node back (restart) → balancer marks it UP again. */
  returnMs: number;
  /** QoS 1 deliveries lost to persistent sessions (where the backend keeps them across a node loss). */
  qos1Lost: number;
  /** Upper bound of any single wait in a scenario, so a slow config fails fast with its finding. */
  capMs: number;
  /** Clients of the steady stream: total, publishers, persistent subscribers (the rest idle). */
  clients: number;
  publishers: number;
  subscribers: number;
  /** Messages per second per publisher and QoS level. */
  ratePerQos: number;
  /** Keepalive of the stream's clients (the hang scenario relies on it: they notice after 1.5 ×). */
  keepaliveS: number;
  reconnectPeriodMs: number;
  connectTimeoutMs: number;
  /** The reconnect storm (harness/failover/storm-settings.ts). */
  storm: StormSettings;
  /** balancer-kill: how long the killed balancer stays down before it is started again (a supervisor's restart delay). */
  balancerDownMs: number;
}

export const FAILOVER_DEFAULTS: FailoverThresholds = {
  detectionMs: 5000,
  hangDetectionMs: 8000,
  reconnectAllMs: 10_000,
  returnMs: 8000,
  qos1Lost: 0,
  capMs: 12_000,
  clients: 30,
  publishers: 3,
  subscribers: 6,
  ratePerQos: 20,
  keepaliveS: 5,
  reconnectPeriodMs: 300,
  connectTimeoutMs: 3000,
  storm: STORM_DEFAULTS,
  balancerDownMs: 1000,
};

const MESSAGE = 'must be a non-negative number';
const nonNegative = (fallback: number) =>
  z.number({ error: MESSAGE }).min(0, { error: MESSAGE }).refine(Number.isFinite, { error: MESSAGE }).default(fallback);

/** `thresholds.failover` as written in the profile (snake_case), with the defaults. */
export const failoverSchema = z
  .object({
    detection_ms: nonNegative(FAILOVER_DEFAULTS.detectionMs),
    hang_detection_ms: nonNegative(FAILOVER_DEFAULTS.hangDetectionMs),
    reconnect_all_ms: nonNegative(FAILOVER_DEFAULTS.reconnectAllMs),
    return_ms: nonNegative(FAILOVER_DEFAULTS.returnMs),
    qos1_lost: nonNegative(FAILOVER_DEFAULTS.qos1Lost),
    cap_ms: nonNegative(FAILOVER_DEFAULTS.capMs),
    clients: nonNegative(FAILOVER_DEFAULTS.clients),
    publishers: nonNegative(FAILOVER_DEFAULTS.publishers),
    subscribers: nonNegative(FAILOVER_DEFAULTS.subscribers),
    rate_per_qos: nonNegative(FAILOVER_DEFAULTS.ratePerQos),
    keepalive_s: nonNegative(FAILOVER_DEFAULTS.keepaliveS),
    reconnect_period_ms: nonNegative(FAILOVER_DEFAULTS.reconnectPeriodMs),
    connect_timeout_ms: nonNegative(FAILOVER_DEFAULTS.connectTimeoutMs),
    storm: stormSchema.prefault({}),
    balancer_down_ms: nonNegative(FAILOVER_DEFAULTS.balancerDownMs),
  })
  .strict()
  .refine((t) => t.publishers + t.subscribers <= t.clients, {
    error: (i) => {
      const t = i.input as { publishers: number; subscribers: number; clients: number };
      return `publishers + subscribers (${t.publishers + t.subscribers}) exceed clients (${t.clients})`;
    },
  });

export type FailoverThresholdsInput = z.input<typeof failoverSchema>;

/** Reads `thresholds.failover` (raw or already schema-parsed); unknown keys and wrong types are refused with the key. */
export function failoverThresholds(raw: Record<string, unknown> | undefined): FailoverThresholds {
  const t = parseThresholds('failover', failoverSchema, raw);
  return {
    detectionMs: t.detection_ms,
    hangDetectionMs: t.hang_detection_ms,
    reconnectAllMs: t.reconnect_all_ms,
    returnMs: t.return_ms,
    qos1Lost: t.qos1_lost,
    capMs: t.cap_ms,
    clients: t.clients,
    publishers: t.publishers,
    subscribers: t.subscribers,
    ratePerQos: t.rate_per_qos,
    keepaliveS: t.keepalive_s,
    reconnectPeriodMs: t.reconnect_period_ms,
    connectTimeoutMs: t.connect_timeout_ms,
    storm: stormSettings(t.storm),
    balancerDownMs: t.balancer_down_ms,
  };
}
