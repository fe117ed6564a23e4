/**
 * How long a scenario waits for each thing, derived from the config and the thresholds, with a cap:
 * a config that cannot meet a threshold fails fast with its finding instead of waiting minutes.
 */
import type { DetectionBound } from './check-facts.js';
import type { FailoverThresholds } from './thresholds.js';

const MARGIN_MS = 1000;

/** Wait for "marked DOWN": the worst case the config allows (or the threshold), plus a margin, capped. */
export function detectionWindowMs(bound: DetectionBound, thresholdMs: number, capMs: number): number {
  if (!Number.isFinite(bound.worstMs)) return Math.min(capMs, thresholdMs + MARGIN_MS);
  return Math.min(capMs, Math.max(thresholdMs, bound.worstMs) + MARGIN_MS);
}

/** Wait for every affected client to be back after a crash or stop. */
export function reconnectWindowMs(t: FailoverThresholds): number {
  return Math.min(t.capMs, t.reconnectAllMs) + MARGIN_MS;
}

/**
 * Wait for every client of a hung node to be back: they notice after 1.5 × keepalive at the latest
 * (MQTT.js), and an attempt that lands on the hung node again costs a connect timeout (and a retry period).
 */
export function hangReconnectWindowMs(t: FailoverThresholds, passive = false): number {
  const noticed = 1.5 * t.keepaliveS * 1000;
  // passive checks never take the hung node out: every retry may land there again (up to 4 in a row are waited for)
  const retries = passive ? 4 * (t.connectTimeoutMs + t.reconnectPeriodMs) : 2 * t.connectTimeoutMs;
  return Math.min(t.capMs + noticed, Math.max(t.reconnectAllMs, noticed + retries)) + MARGIN_MS;
}
