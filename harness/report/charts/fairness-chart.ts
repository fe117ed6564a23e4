/** Fairness: observed connections per node vs. the count its expected share predicts (grouped bars). */
import type { TopLevelSpec } from 'vega-lite';
import type { FairnessMetrics } from '../summary-types.js';
import { naturalCompare, renderChartSvg } from './render-svg.js';

const SERIES = { observed: 'Observed', expected: 'Expected', balancer: 'Balancer counter' } as const;

interface Bar {
  node: string;
  series: string;
  value: number;
}

export function fairnessBars(metrics: FairnessMetrics): Bar[] {
  const counts = metrics.counts ?? {};
  const shares = metrics.expectedShares ?? {};
  const connected = Object.values(counts).reduce((a, b) => a + b, 0);
  const nodes = [...new Set([...Object.keys(counts), ...Object.keys(shares)])].sort(naturalCompare);
  const bars: Bar[] = [];
  for (const node of nodes) {
    bars.push({ node, series: SERIES.observed, value: counts[node] ?? 0 });
    bars.push({ node, series: SERIES.expected, value: Math.round((shares[node] ?? 0) * connected * 10) / 10 });
    if (metrics.balancerCounts) bars.push({ node, series: SERIES.balancer, value: metrics.balancerCounts[node] ?? 0 });
  }
  return bars;
}

/** Grouped bars per node; empty string when there are no counts. */
export async function fairnessChart(metrics: FairnessMetrics, scenario = ''): Promise<string> {
  const bars = fairnessBars(metrics);
  if (bars.length === 0 || !bars.some((b) => b.value > 0)) return '';
  const series = metrics.balancerCounts ? Object.values(SERIES) : [SERIES.observed, SERIES.expected];
  const title = scenario ? `Connections per node — ${scenario}` : 'Connections per node';
  const spec: TopLevelSpec = {
    title: {
      text: title,
      subtitle: [
        `${metrics.algorithm}, ${metrics.clients} clients · Jain index ${metrics.jain.toFixed(3)}`,
        'Observed: node API · Expected: share × connected clients',
      ],
    },
    width: 440,
    height: 240,
    data: { values: bars },
    encoding: {
      x: { field: 'node', type: 'nominal', title: 'Node', axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort: series },
      y: { field: 'value', type: 'quantitative', title: 'Connections (count)' },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        sort: series,
        legend: { labelLimit: 320 },
        scale: { domain: series, range: ['#2563eb', '#cbd2d9', '#f59e0b'] },
      },
    },
    layer: [
      { mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 } },
      {
        mark: { type: 'text', dy: -6, fontSize: 11 },
        encoding: { text: { field: 'value', type: 'quantitative' }, color: { value: '#323f4b' } },
      },
    ],
  };
  return renderChartSvg(spec);
}
