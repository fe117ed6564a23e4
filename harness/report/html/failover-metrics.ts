/** Profile page: failover scenarios (detection and reconnect times, message accounting, timeline, events). */
import { eventLabel, failoverTimelineChart, reconnectHistogramChart } from '../charts/failover-charts.js';
import { failoverSeriesChart } from '../charts/failover-series-chart.js';
import type { FailoverMetrics } from '../summary-types.js';
import { escapeHtml, formatDuration } from '../text.js';
import { dataTable, inlineSvg, metricTile } from './components.js';

function perQosTable(m: FailoverMetrics): string {
  const entries = Object.entries(m.perQos ?? {});
  if (entries.length === 0) return '';
  const rows = entries.map(([qos, q]) => [
    `QoS ${escapeHtml(qos)}`,
    String(q.sent),
    String(q.received),
    q.lost > 0 && qos !== '0' ? `<span class="regressed">${q.lost}</span>` : String(q.lost),
    String(q.duplicated),
    String(q.reordered),
    String(q.unexpected),
  ]);
  return `<h4>Messages during the failover</h4>${dataTable(['QoS', '#Sent', '#Received', '#Lost', '#Duplicated', '#Reordered', '#Unexpected'], rows)}
<p class="note">QoS 0 may lose messages by design; QoS 1 may duplicate but must not lose.</p>`;
}

function eventsTable(m: FailoverMetrics): string {
  const events = m.timeline?.events ?? [];
  if (events.length === 0) return '';
  const rows = events.map((e) => [
    `${(e.t / 1000).toFixed(2)} s`,
    escapeHtml(eventLabel(e)),
    escapeHtml(e.detail ?? ''),
  ]);
  return `<h4>Events</h4>${dataTable(['#Time', 'Event', 'Detail'], rows)}`;
}

async function scenario(name: string, m: FailoverMetrics): Promise<string> {
  const tiles = [
    metricTile(
      'Detection (marked down)',
      m.detection_ms === null ? 'not detected' : formatDuration(m.detection_ms),
      m.detection_ms === null,
    ),
    metricTile('Reconnect p50', formatDuration(m.reconnect_p50_ms)),
    metricTile('Reconnect p99', m.reconnect_p99_ms === null ? 'none' : formatDuration(m.reconnect_p99_ms)),
    metricTile('Reconnect max', formatDuration(m.reconnect_max_ms)),
    metricTile('Messages lost', String(m.lost), m.lost > 0),
    metricTile('Duplicated', String(m.duplicated)),
  ];
  const [series, timeline, histogram] = await Promise.all([
    failoverSeriesChart(m.series, name, m.timeline?.events),
    failoverTimelineChart(m, name),
    reconnectHistogramChart(m, name),
  ]);
  return `<h3>Failover — ${escapeHtml(name)}</h3>
<div class="metrics-row">${tiles.join('')}</div>
${series ? `<div class="series">${inlineSvg(series)}</div>` : ''}
<div class="charts">${inlineSvg(timeline)}${inlineSvg(histogram)}</div>
${perQosTable(m)}
${eventsTable(m)}`;
}

export async function failoverMetricsHtml(scenarios: Record<string, FailoverMetrics>): Promise<string> {
  const parts = await Promise.all(Object.entries(scenarios).map(([name, m]) => scenario(name, m)));
  return parts.join('');
}
