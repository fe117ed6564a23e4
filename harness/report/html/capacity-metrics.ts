/** Profile page: the capacity suite's charts (connections per node over time, connect latency vs load). */
import { capacityLatencyChart, capacityNodesChart, type CapacityChartInput } from '../charts/capacity-charts.js';
import type { Summary } from '../summary-types.js';
import { inlineSvg } from './components.js';

/** metrics.capacity.connections, when the capacity suite ran. */
function capacityConnections(summary: Summary): CapacityChartInput | undefined {
  const c = (summary.metrics as Record<string, unknown>)['capacity'];
  const conns = typeof c === 'object' && c !== null ? (c as Record<string, unknown>)['connections'] : undefined;
  return typeof conns === 'object' && conns !== null ? (conns as CapacityChartInput) : undefined;
}

export async function capacityMetricsHtml(summary: Summary): Promise<string> {
  const m = capacityConnections(summary);
  if (!m) return '';
  const charts = (await Promise.all([capacityNodesChart(m), capacityLatencyChart(m)])).map(inlineSvg).join('');
  return charts ? `<h3>Capacity</h3>${charts}` : '';
}
