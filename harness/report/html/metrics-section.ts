/** Profile page: the metrics section, known metrics as tables and charts, anything else as JSON. */
import {
  connectPhases,
  failoverScenarios,
  fairnessScenarios,
  KNOWN_METRIC_KEYS,
  pubsubMetrics,
  tlsMetrics,
} from '../metrics-access.js';
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
  const tls = tlsMetrics(summary);
  const pubsub = pubsubMetrics(summary);
  const parts = await Promise.all([
    failoverMetricsHtml(failoverScenarios(summary)),
    fairnessMetricsHtml(fairnessScenarios(summary)),
    tls ? tlsMetricsHtml(tls) : Promise.resolve(''),
    pubsub ? pubsubMetricsHtml(pubsub) : Promise.resolve(''),
    connectPhasesHtml(connectPhases(summary)),
    capacityMetricsHtml(summary),
  ]);
  const body = parts.join('') + otherMetrics(summary);
  return `<section class="card" id="metrics"><h2>Metrics</h2>${body.trim() ? body : '<p class="note">No metrics were recorded.</p>'}</section>`;
}
