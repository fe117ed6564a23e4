/** Profile page: the capacity suite's charts (connections per node over time, connect latency vs load). */
import { capacityLatencyChart, capacityNodesChart, type CapacityChartInput } from '../charts/capacity-charts.js';
import type { Summary } from '../summary-types.js';
import { inlineSvg } from './components.js';

export async function capacityMetricsHtml(summary: Summary): Promise<string> {
  /** metrics.capacity.connections, when the capacity suite ran. */
  const m: CapacityChartInput | undefined = summary.metrics.capacity?.connections;
  if (!m) return '';
  const charts = (await Promise.all([capacityNodesChart(m), capacityLatencyChart(m)])).map(inlineSvg).join('');
  return charts ? `<h3>Capacity</h3>${charts}` : '';
}
