/** Profile page: the metrics section, known metrics as tables and charts, anything else as JSON. */
import { connectPhasesBySuite, withHandshakeFigures } from '../../results/schema.js';
import type { Summary } from '../summary-types.js';
import { escapeHtml } from '../text.js';
import { capacityMetricsHtml } from './capacity-metrics.js';
import { connectPhasesHtml } from './connect-phases-metrics.js';
import { failoverMetricsHtml } from './failover-metrics.js';
import { fairnessMetricsHtml } from './fairness-metrics.js';
import { pubsubMetricsHtml, tlsMetricsHtml } from './tls-pubsub-metrics.js';

/** A suite's metrics minus `connect_phases` (rendered in its own section); undefined when nothing else is left. */
function withoutConnectPhases(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('connect_phases' in value)) return value;
  const { connect_phases: _phases, ...rest } = value as Record<string, unknown>;
  return Object.keys(rest).length ? rest : undefined;
}

/** Metric keys the report renders with tables and charts; anything else is shown as raw JSON. */
const KNOWN_METRIC_KEYS = ['fairness', 'failover', 'tls', 'pubsub'] as const;

function otherMetrics(summary: Summary): string {
  const other = Object.entries(summary.metrics).filter(
    ([key]) => !(KNOWN_METRIC_KEYS as readonly string[]).includes(key),
  );
  if (other.length === 0) return '';
  return other
    .map(([key, value]): [string, unknown] => [key, withoutConnectPhases(value)])
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        `<details><summary>metrics.${escapeHtml(key)}</summary><pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre></details>`,
    )
    .join('');
}

export async function metricsSection(summary: Summary): Promise<string> {
  const m = summary.metrics;
  const tls = withHandshakeFigures(m.tls);
  const pubsub = m.pubsub;
  const parts = await Promise.all([
    failoverMetricsHtml(m.failover?.scenarios ?? {}),
    fairnessMetricsHtml(m.fairness?.scenarios ?? {}),
    tls ? tlsMetricsHtml(tls) : Promise.resolve(''),
    pubsub?.latency_ms ? pubsubMetricsHtml(pubsub) : Promise.resolve(''),
    connectPhasesHtml(connectPhasesBySuite(m)),
    capacityMetricsHtml(summary),
  ]);
  const body = parts.join('') + otherMetrics(summary);
  return `<section class="card" id="metrics"><h2>Metrics</h2>${body.trim() ? body : '<p class="note">No metrics were recorded.</p>'}</section>`;
}
