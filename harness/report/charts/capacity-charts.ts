/** Capacity: connections per node over the ramp (lines), and CONNACK p50/p99 against the connections held (lines). */
import type { TopLevelSpec } from 'vega-lite';
import { NODE_PALETTE, naturalCompare, renderChartSvg } from './render-svg.js';

/** The parts of metrics.capacity.connections the charts read (written by suites/capacity.test.ts). */
export interface CapacityChartInput {
  steps?: Array<{ connected: number; connack_p50_ms: number | null; connack_p99_ms: number | null }>;
  nodes_over_time?: Array<{ t_s: number; nodes: Record<string, number> }>;
  knee?: { plateau?: number };
}

export async function capacityNodesChart(m: CapacityChartInput): Promise<string> {
  const rows = (m.nodes_over_time ?? []).flatMap((s) =>
    Object.entries(s.nodes).map(([node, connections]) => ({ t: s.t_s, node, connections })),
  );
  if (!rows.length) return '';
  const nodes = [...new Set(rows.map((r) => r.node))].sort(naturalCompare);
  const spec: TopLevelSpec = {
    title: { text: 'Connections per node over the ramp', subtitle: "the balancer's current connections per server" },
    width: 440,
    height: 220,
    data: { values: rows },
    mark: { type: 'line', point: false },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'Time (s)' },
      y: { field: 'connections', type: 'quantitative', title: 'Connections (count)' },
      color: {
        field: 'node',
        type: 'nominal',
        title: null,
        scale: { domain: nodes, range: NODE_PALETTE.slice(0, nodes.length) },
      },
    },
  };
  return renderChartSvg(spec);
}

export async function capacityLatencyChart(m: CapacityChartInput): Promise<string> {
  const rows = (m.steps ?? []).flatMap((s) =>
    (
      [
        ['p50', s.connack_p50_ms],
        ['p99', s.connack_p99_ms],
      ] as const
    )
      .filter(([, v]) => v !== null)
      .map(([pct, ms]) => ({ connected: s.connected, pct, ms })),
  );
  if (!rows.length) return '';
  const spec: TopLevelSpec = {
    title: {
      text: 'Connect latency vs connections held',
      subtitle: `CONNACK p50 / p99 per ramp step${m.knee?.plateau ? ` · knee at ${m.knee.plateau}` : ''}`,
    },
    width: 440,
    height: 220,
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'connected', type: 'quantitative', title: 'Connections held (count)' },
      y: { field: 'ms', type: 'quantitative', title: 'CONNACK (ms)' },
      color: { field: 'pct', type: 'nominal', title: null, scale: { range: ['#2563eb', '#ea580c'] } },
    },
  };
  return renderChartSvg(spec);
}
