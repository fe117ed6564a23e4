/**
 * Failover thresholds and parameters (profile `thresholds.failover.*`), with defaults that a
 * reasonable production config meets (fixtures/haproxy/production: HTTP check, inter 1s fall 2 rise 2).
 */

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
};

/** Profile key (snake_case, as written in YAML) for each field. */
const KEYS: Record<keyof FailoverThresholds, string> = {
  detectionMs: 'detection_ms',
  hangDetectionMs: 'hang_detection_ms',
  reconnectAllMs: 'reconnect_all_ms',
  returnMs: 'return_ms',
  qos1Lost: 'qos1_lost',
  capMs: 'cap_ms',
  clients: 'clients',
  publishers: 'publishers',
  subscribers: 'subscribers',
  ratePerQos: 'rate_per_qos',
  keepaliveS: 'keepalive_s',
  reconnectPeriodMs: 'reconnect_period_ms',
  connectTimeoutMs: 'connect_timeout_ms',
};

/** Reads `thresholds.failover` of a profile; unknown keys and wrong types are refused with the key. */
export function failoverThresholds(raw: Record<string, unknown> | undefined): FailoverThresholds {
  const out = { ...FAILOVER_DEFAULTS };
  const known = new Map(Object.entries(KEYS).map(([field, key]) => [key, field as keyof FailoverThresholds]));
  for (const [key, v] of Object.entries(raw ?? {})) {
    const field = known.get(key);
    if (!field) throw new Error(`thresholds.failover.${key}: unknown key (known: ${[...known.keys()].join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new Error(`thresholds.failover.${key} must be a non-negative number, got ${JSON.stringify(v)}`);
    out[field] = v;
  }
  if (out.publishers + out.subscribers > out.clients)
    throw new Error(
      `thresholds.failover: publishers + subscribers (${out.publishers + out.subscribers}) exceed clients (${out.clients})`,
    );
  return out;
}
