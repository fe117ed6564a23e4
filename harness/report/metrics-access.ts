/**
 * Typed, defensive access to `Summary.metrics`. Suites fill metrics as plain JSON, so every reader here checks the
 * shape it needs and ignores what it does not recognise (the report must render whatever a run produced).
 */
import type {
  ConnectPhasesMetrics,
  FailoverMetrics,
  FairnessMetrics,
  PubsubMetrics,
  Summary,
  TlsMetrics,
} from './summary-types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scenarioMap<T>(value: unknown, isScenario: (v: Record<string, unknown>) => boolean): Record<string, T> {
  if (!isRecord(value) || !isRecord(value.scenarios)) return {};
  const out: Record<string, T> = {};
  for (const [name, scenario] of Object.entries(value.scenarios)) {
    if (isRecord(scenario) && isScenario(scenario)) out[name] = scenario as T;
  }
  return out;
}

export function fairnessScenarios(summary: Summary): Record<string, FairnessMetrics> {
  return scenarioMap<FairnessMetrics>(summary.metrics.fairness, (s) => isRecord(s.counts));
}

export function failoverScenarios(summary: Summary): Record<string, FailoverMetrics> {
  return scenarioMap<FailoverMetrics>(
    summary.metrics.failover,
    (s) => 'detection_ms' in s || 'timeline' in s || 'reconnect_p99_ms' in s,
  );
}

export function tlsMetrics(summary: Summary): TlsMetrics | undefined {
  const tls = summary.metrics.tls;
  return isRecord(tls) && typeof tls.p99_ms === 'number' ? (tls as unknown as TlsMetrics) : undefined;
}

export function pubsubMetrics(summary: Summary): PubsubMetrics | undefined {
  const pubsub = summary.metrics.pubsub;
  return isRecord(pubsub) && isRecord(pubsub.latency_ms) ? (pubsub as PubsubMetrics) : undefined;
}

/** Each suite's `metrics.<suite>.connect_phases`, in the metrics' order; suites without it are left out. */
export function connectPhases(summary: Summary): Record<string, ConnectPhasesMetrics> {
  const out: Record<string, ConnectPhasesMetrics> = {};
  for (const [suite, value] of Object.entries(summary.metrics)) {
    const m = isRecord(value) ? value.connect_phases : undefined;
    if (isRecord(m) && typeof m.attempts === 'number' && Array.isArray(m.transports))
      out[suite] = m as unknown as ConnectPhasesMetrics;
  }
  return out;
}

/** Metric keys the report renders with tables and charts; anything else is shown as raw JSON. */
export const KNOWN_METRIC_KEYS = ['fairness', 'failover', 'tls', 'pubsub'] as const;

/** Numbers only (finite); NaN, strings and null read as undefined. */
export function finiteNumbers(values: unknown): number[] {
  return Array.isArray(values) ? values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)) : [];
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100); undefined for no values. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}
