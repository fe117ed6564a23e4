/**
 * Failover thresholds and parameters (profile `thresholds.failover.*`): one zod schema (snake_case as written in
 * YAML, with defaults that a reasonable production config meets: fixtures/haproxy/production, HTTP check, inter 1s
 * fall 2 rise 2), referenced from the profile schema so a typo is refused at its file:line.
 */
import { z } from 'zod';
import { parseThresholds } from '../suite/threshold-parse.js';
import { STORM_DEFAULTS, stormSchema, stormSettings, type StormSettings } from './storm-settings.js';
import { FLEET_CLIENT_KINDS, type FleetClientKind } from './fleet-client.js';

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
  /** The fleet's MQTT client: the load engine's connection or MQTT.js (harness/failover/fleet-client.ts). */
  client: FleetClientKind;
  /** The reconnect storm (harness/failover/storm-settings.ts). */
  storm: StormSettings;
  /** balancer-kill: how long the killed balancer stays down before it is started again (a supervisor's restart delay). */
  balancerDownMs: number;
  /** Network scenarios through the fault hop (harness/failover/scenarios/{partition,slow-node,lossy-link}.ts). */
  /** Partition → the balancer marks the node DOWN (its checks time out at the hop, as a hang's do). */
  partitionDetectionMs: number;
  /** Partition → the last client of the partitioned node notices (the balancer cuts it, or its keepalive expires). */
  partitionStuckMs: number;
  /** Partition → every client of the partitioned node has a CONNACK again (a publisher resending what the held link
   *  swallowed can take long after the balancer accepted its reconnect: measured, reported with its timeline). */
  partitionReconnectMs: number;
  /** The slow node's added latency and jitter, how long it is watched, and the delivery p99 allowed meanwhile. */
  slowNodeDelayMs: number;
  slowNodeJitterMs: number;
  slowNodeObserveMs: number;
  slowNodeP99Ms: number;
  /** The lossy link's packet loss (percent, both directions), how long it is watched, and the p99 allowed. */
  lossyLinkPct: number;
  lossyLinkObserveMs: number;
  lossyLinkP99Ms: number;
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
  client: 'engine',
  storm: STORM_DEFAULTS,
  balancerDownMs: 1000,
  partitionDetectionMs: 8000,
  partitionStuckMs: 10_000,
  partitionReconnectMs: 25_000,
  slowNodeDelayMs: 500,
  slowNodeJitterMs: 100,
  slowNodeObserveMs: 8000,
  slowNodeP99Ms: 2500,
  lossyLinkPct: 10,
  lossyLinkObserveMs: 8000,
  lossyLinkP99Ms: 3000,
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
    client: z
      .enum(FLEET_CLIENT_KINDS, { error: `must be one of ${FLEET_CLIENT_KINDS.join(', ')}` })
      .default(FAILOVER_DEFAULTS.client),
    storm: stormSchema.prefault({}),
    balancer_down_ms: nonNegative(FAILOVER_DEFAULTS.balancerDownMs),
    partition_detection_ms: nonNegative(FAILOVER_DEFAULTS.partitionDetectionMs),
    partition_stuck_ms: nonNegative(FAILOVER_DEFAULTS.partitionStuckMs),
    partition_reconnect_ms: nonNegative(FAILOVER_DEFAULTS.partitionReconnectMs),
    slow_node_delay_ms: nonNegative(FAILOVER_DEFAULTS.slowNodeDelayMs),
    slow_node_jitter_ms: nonNegative(FAILOVER_DEFAULTS.slowNodeJitterMs),
    slow_node_observe_ms: nonNegative(FAILOVER_DEFAULTS.slowNodeObserveMs),
    slow_node_p99_ms: nonNegative(FAILOVER_DEFAULTS.slowNodeP99Ms),
    lossy_link_pct: nonNegative(FAILOVER_DEFAULTS.lossyLinkPct).refine((v) => v > 0 && v <= 100, {
      error: 'must be a percentage above 0 and at most 100',
    }),
    lossy_link_observe_ms: nonNegative(FAILOVER_DEFAULTS.lossyLinkObserveMs),
    lossy_link_p99_ms: nonNegative(FAILOVER_DEFAULTS.lossyLinkP99Ms),
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
    client: t.client,
    storm: stormSettings(t.storm),
    balancerDownMs: t.balancer_down_ms,
    partitionDetectionMs: t.partition_detection_ms,
    partitionStuckMs: t.partition_stuck_ms,
    partitionReconnectMs: t.partition_reconnect_ms,
    slowNodeDelayMs: t.slow_node_delay_ms,
    slowNodeJitterMs: t.slow_node_jitter_ms,
    slowNodeObserveMs: t.slow_node_observe_ms,
    slowNodeP99Ms: t.slow_node_p99_ms,
    lossyLinkPct: t.lossy_link_pct,
    lossyLinkObserveMs: t.lossy_link_observe_ms,
    lossyLinkP99Ms: t.lossy_link_p99_ms,
  };
}
