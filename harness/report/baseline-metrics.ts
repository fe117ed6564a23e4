/**
 * The figures of one run that the baseline comparison looks at, each with its kind (which picks its tolerance) and,
 * when the run itself did not assert it, why it is informational only.
 */
import type { ConnectPhasesMetrics, Summary } from './summary-types.js';
import { connectPhasesBySuite } from '../results/schema.js';
import { MIN_PHASE_COUNT_JUDGED, type MetricKind } from './baseline-tolerances.js';

export interface ComparableMetric {
  /** e.g. "metrics.failover.scenarios.kill-node2.detection_ms" (stable key across runs). */
  path: string;
  /** For people: "failover › kill-node2 › detection". */
  label: string;
  kind: MetricKind;
  unit: string;
  /** null: reported as null (e.g. never detected). */
  value: number | null;
  /** Set when this run did not assert the figure (a report-only scenario, too few samples): why. */
  informational?: string;
}

type PhaseKey = Exclude<keyof ConnectPhasesMetrics, 'clients' | 'attempts' | 'transports'>;

/** Each connection phase: its tolerance kind and its name in the report. */
export const PHASE_KINDS: ReadonlyArray<{ key: PhaseKey; kind: MetricKind; label: string }> = [
  { key: 'tcp', kind: 'connectTcpP99Ms', label: 'TCP connect' },
  { key: 'tls', kind: 'connectTlsP99Ms', label: 'TLS handshake' },
  { key: 'ws_upgrade', kind: 'connectWsUpgradeP99Ms', label: 'WebSocket upgrade' },
  { key: 'connack', kind: 'connectConnackP99Ms', label: 'CONNACK' },
  { key: 'suback', kind: 'connectSubackP99Ms', label: 'SUBACK' },
];

function numberOrNull(value: unknown): number | null | undefined {
  if (value === null) return null;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A fairness scenario the suite only reports (verdict "report only …") or could not judge ("no verdict: …"). */
function fairnessInformational(verdict: unknown): string | undefined {
  if (typeof verdict !== 'string') return undefined;
  if (verdict.startsWith('report only')) return 'report-only scenario: the suite does not assert its spread';
  if (verdict.startsWith('no verdict')) return 'the scenario had too few clients to judge';
  return undefined;
}

/** One figure, or none when the run did not report it as a number or null. */
function figure(
  path: string,
  label: string,
  kind: MetricKind,
  unit: string,
  raw: unknown,
  informational?: string,
): ComparableMetric[] {
  const value = numberOrNull(raw);
  if (value === undefined) return [];
  return [{ path, label, kind, unit, value, ...(informational ? { informational } : {}) }];
}

function failoverMetrics(summary: Summary): ComparableMetric[] {
  return Object.entries(summary.metrics.failover?.scenarios ?? {}).flatMap(([name, s]) => [
    ...figure(
      `metrics.failover.scenarios.${name}.detection_ms`,
      `failover › ${name} › detection`,
      'detectionMs',
      'ms',
      s.detection_ms,
    ),
    ...figure(
      `metrics.failover.scenarios.${name}.reconnect_p99_ms`,
      `failover › ${name} › reconnect p99`,
      'reconnectP99Ms',
      'ms',
      s.reconnect_p99_ms,
    ),
  ]);
}

function fairnessMetrics(summary: Summary): ComparableMetric[] {
  return Object.entries(summary.metrics.fairness?.scenarios ?? {}).flatMap(([name, s]) =>
    figure(
      `metrics.fairness.scenarios.${name}.jain`,
      `fairness › ${name} › jain`,
      'jain',
      '',
      s.jain,
      fairnessInformational(s.verdict),
    ),
  );
}

function tlsFigures(summary: Summary): ComparableMetric[] {
  const tls = summary.metrics.tls;
  if (!tls) return [];
  return [
    ...figure(
      'metrics.tls.handshakes_per_s',
      'tls › handshakes per second',
      'tlsHandshakesPerS',
      '/s',
      tls.handshakes_per_s,
    ),
    ...figure('metrics.tls.p99_ms', 'tls › handshake p99', 'tlsP99Ms', 'ms', tls.p99_ms),
  ];
}

function phaseMetrics(summary: Summary): ComparableMetric[] {
  const out: ComparableMetric[] = [];
  for (const [suite, m] of Object.entries(connectPhasesBySuite(summary.metrics))) {
    for (const { key, kind, label } of PHASE_KINDS) {
      const stats = m[key];
      if (!stats) continue;
      const few = stats.count < MIN_PHASE_COUNT_JUDGED;
      out.push(
        ...figure(
          `metrics.${suite}.connect_phases.${key}.p99_ms`,
          `${suite} › connect phases › ${label} p99`,
          kind,
          'ms',
          stats.p99_ms,
          few
            ? `p99 of ${stats.count} < ${MIN_PHASE_COUNT_JUDGED} samples is about their maximum: one outlier`
            : undefined,
        ),
      );
    }
  }
  return out;
}

/** The run's compared figures, in report order: failover, fairness, TLS, connection phases. */
export function comparableMetrics(summary: Summary): ComparableMetric[] {
  return [...failoverMetrics(summary), ...fairnessMetrics(summary), ...tlsFigures(summary), ...phaseMetrics(summary)];
}
