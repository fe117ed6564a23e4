/**
 * How a load-engine connection that broke comes back: MQTT.js' default fixed period (every `delayMs`, 1000 ms in
 * MQTT.js), or exponential backoff with full jitter (attempt n waits a uniform random time in
 * [0, min(maxMs, delayMs × 2^(n-1))]), the remedy for reconnect storms (every client retrying in lock-step).
 */

export interface ReconnectPolicy {
  /** Fixed period, or the base of the exponential backoff (ms). */
  delayMs: number;
  /** Exponential backoff with full jitter, capped at maxMs; absent: the fixed period. */
  backoff?: { maxMs: number };
}

/** MQTT.js' default: reconnectPeriod 1000 ms, no backoff, no jitter. */
export const MQTTJS_DEFAULT_RECONNECT: ReconnectPolicy = { delayMs: 1000 };

/** Delay before re-attempt number `attempt` (1 = the first after the break); `random` in [0, 1). */
export function reconnectDelay(p: ReconnectPolicy, attempt: number, random: () => number = Math.random): number {
  if (!p.backoff) return p.delayMs;
  const ceiling = Math.min(p.backoff.maxMs, p.delayMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.floor(random() * ceiling);
}

/** "fixed 1000 ms" / "exponential 1000 ms … 16000 ms, full jitter", for findings and metrics. */
export function describePolicy(p: ReconnectPolicy): string {
  return p.backoff
    ? `exponential backoff ${p.delayMs} ms … ${p.backoff.maxMs} ms with full jitter`
    : `fixed period ${p.delayMs} ms (MQTT.js reconnectPeriod)`;
}
