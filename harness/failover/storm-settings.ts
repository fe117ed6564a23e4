/**
 * Parameters of the reconnect-storm, balancer-kill and rolling-restart scenarios (profile
 * `thresholds.failover.storm`, `thresholds.failover.balancer_down_ms`): one zod schema with defaults, referenced from
 * the failover schema, so a typo is refused at its file:line like every other threshold.
 */
import { z } from 'zod';

export interface StormSettings {
  /** Load-engine clients reset at once, per reconnect policy (5,000 by default; the quick tier's profiles run fewer). */
  clients: number;
  /** Connects per second while the clients are first opened (before the storm). */
  connectRate: number;
  /** Reset → every client ready again, per policy; also the bound of the wait. */
  recoverMs: number;
  /** MQTT.js' default fixed reconnect period. */
  fixedPeriodMs: number;
  /** Exponential backoff with full jitter: base and cap. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A connect attempt without CONNACK within this fails (and is re-tried by the policy). */
  connectTimeoutMs: number;
}

export const STORM_DEFAULTS: StormSettings = {
  clients: 5000,
  connectRate: 500,
  recoverMs: 60_000,
  fixedPeriodMs: 1000,
  backoffBaseMs: 1000,
  backoffMaxMs: 16_000,
  connectTimeoutMs: 10_000,
};

const MESSAGE = 'must be a positive number';
const positive = (fallback: number) =>
  z
    .number({ error: MESSAGE })
    .positive({ error: MESSAGE })
    .refine(Number.isFinite, { error: MESSAGE })
    .default(fallback);

/** `thresholds.failover.storm` as written in the profile (snake_case), with the defaults. */
export const stormSchema = z
  .object({
    clients: z
      .number({ error: 'must be a whole number ≥ 1' })
      .int({ error: 'must be a whole number ≥ 1' })
      .min(1, { error: 'must be a whole number ≥ 1' })
      .default(STORM_DEFAULTS.clients),
    connect_rate: positive(STORM_DEFAULTS.connectRate),
    recover_ms: positive(STORM_DEFAULTS.recoverMs),
    fixed_period_ms: positive(STORM_DEFAULTS.fixedPeriodMs),
    backoff_base_ms: positive(STORM_DEFAULTS.backoffBaseMs),
    backoff_max_ms: positive(STORM_DEFAULTS.backoffMaxMs),
    connect_timeout_ms: positive(STORM_DEFAULTS.connectTimeoutMs),
  })
  .strict();

export function stormSettings(t: z.output<typeof stormSchema>): StormSettings {
  return {
    clients: t.clients,
    connectRate: t.connect_rate,
    recoverMs: t.recover_ms,
    fixedPeriodMs: t.fixed_period_ms,
    backoffBaseMs: t.backoff_base_ms,
    backoffMaxMs: t.backoff_max_ms,
    connectTimeoutMs: t.connect_timeout_ms,
  };
}
