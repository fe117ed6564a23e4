/** Failover: per-node connection counts over time with labelled event markers, and the reconnect-time histogram. */
import type { TopLevelSpec } from 'vega-lite';
import type { FailoverMetrics, TimelineEvent } from '../summary-types.js';
import { histogramChart } from './histogram-chart.js';
import { NODE_PALETTE, naturalCompare, renderChartSvg } from './render-svg.js';

const EVENT_COLORS: Record<string, string> = {
  fault: '#dc2626',
  'marked-down': '#b45309',
  reconnected: '#16a34a',
  'marked-up': '#2563eb',
};
const OTHER_EVENT_COLOR = '#6b7280';
const WIDTH = 500;
const HEIGHT = 260;
const LABEL_ROW_PX = 15;
/** Rough width of an 11px label character without a canvas to measure. */
const LABEL_CHAR_PX = 6.3;

export function eventLabel(event: TimelineEvent): string {
  return event.node ? `${event.kind} ${event.node}` : event.kind;
}

interface PlacedEvent {
  t: number;
  kind: string;
  label: string;
  color: string;
  row: number;
  /** Labels that would run past the right edge are written to the left of their marker. */
  align: 'left' | 'right';
}

/** Greedy rows so that no two labels overlap (in estimated pixels) and none runs past the plot's right edge. */
export function placeEventLabels(events: TimelineEvent[], maxSeconds: number): PlacedEvent[] {
  const rows: Array<Array<[number, number]>> = [];
  return [...events]
    .sort((a, b) => a.t - b.t)
    .map((e) => {
      const t = e.t / 1000;
      const label = `${eventLabel(e)} ${t.toFixed(1)} s`;
      const x = maxSeconds > 0 ? (t / maxSeconds) * WIDTH : 0;
      const width = 6 + label.length * LABEL_CHAR_PX;
      const align = x + width > WIDTH ? 'right' : 'left';
      const span: [number, number] = align === 'left' ? [x, x + width] : [x - width, x];
      let row = rows.findIndex((spans) => spans.every(([a, b]) => span[1] + 4 < a || span[0] > b + 4));
      if (row === -1) row = rows.push([]) - 1;
      rows[row]!.push(span);
      return { t, kind: e.kind, label, color: EVENT_COLORS[e.kind] ?? OTHER_EVENT_COLOR, row, align };
    });
}

/** Lines per node with vertical rules for fault / marked-down / reconnected / marked-up; empty when no samples. */
export async function failoverTimelineChart(metrics: FailoverMetrics, scenario = ''): Promise<string> {
  const samples = metrics.timeline?.samples ?? [];
  const points = samples.flatMap((s) =>
    Object.entries(s.counts ?? {}).map(([node, count]) => ({ t: s.t / 1000, node, count })),
  );
  if (points.length === 0) return '';
  const nodes = [...new Set(points.map((p) => p.node))].sort(naturalCompare);
  const events = metrics.timeline?.events ?? [];
  const maxSeconds = Math.max(...points.map((p) => p.t), ...events.map((e) => e.t / 1000));
  const placed = placeEventLabels(events, maxSeconds);
  const rows = placed.reduce((n, e) => Math.max(n, e.row + 1), 0);
  const maxCount = Math.max(1, ...points.map((p) => p.count));
  // Headroom above the highest line for the label rows.
  const headroom = rows === 0 ? 1.05 : 1 / Math.max(0.35, 1 - ((rows + 0.6) * LABEL_ROW_PX) / HEIGHT);
  const detection =
    metrics.detection_ms === null ? 'not detected' : `detected after ${Math.round(metrics.detection_ms)} ms`;
  const reconnect =
    metrics.reconnect_p99_ms === null ? 'no reconnects' : `reconnect p99 ${Math.round(metrics.reconnect_p99_ms)} ms`;
  const labelLayers = Array.from({ length: rows }, (_, row) =>
    (['left', 'right'] as const).map((align) => ({
      data: { values: placed.filter((e) => e.row === row && e.align === align) },
      mark: {
        type: 'text' as const,
        align,
        baseline: 'top' as const,
        dx: align === 'left' ? 3 : -3,
        fontSize: 11,
        fontWeight: 600 as const,
      },
      encoding: {
        x: { field: 't', type: 'quantitative' as const },
        y: { value: 3 + row * LABEL_ROW_PX },
        text: { field: 'label' },
        fill: { field: 'color', type: 'nominal' as const, scale: null, legend: null },
      },
    })),
  )
    .flat()
    .filter((layer) => layer.data.values.length > 0);
  const spec = {
    title: {
      text: scenario ? `Connections per node over time — ${scenario}` : 'Connections per node over time',
      subtitle: `Failure ${detection} · ${reconnect}`,
    },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: {
          x: {
            field: 't',
            type: 'quantitative',
            title: 'Time since scenario start (s)',
            scale: { domain: [0, maxSeconds], nice: false },
          },
          y: {
            field: 'count',
            type: 'quantitative',
            title: 'Live connections (count)',
            scale: { domain: [0, Math.ceil(maxCount * headroom)], nice: false },
          },
          color: {
            field: 'node',
            type: 'nominal',
            title: 'Node',
            scale: { domain: nodes, range: NODE_PALETTE.slice(0, Math.max(1, nodes.length)) },
          },
        },
      },
      ...(placed.length === 0
        ? []
        : [
            {
              data: { values: placed },
              mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5 },
              encoding: {
                x: { field: 't', type: 'quantitative' },
                stroke: { field: 'color', type: 'nominal', scale: null, legend: null },
              },
            },
            ...labelLayers,
          ]),
    ],
  } as TopLevelSpec;
  return renderChartSvg(spec);
}

export async function reconnectHistogramChart(metrics: FailoverMetrics, scenario = ''): Promise<string> {
  const markers = [
    { label: 'p50', value: metrics.reconnect_p50_ms },
    { label: 'p99', value: metrics.reconnect_p99_ms },
  ].filter((m): m is { label: string; value: number } => typeof m.value === 'number');
  return histogramChart(metrics.reconnect_ms, {
    title: scenario ? `Reconnect time — ${scenario}` : 'Reconnect time',
    subtitle: `${metrics.reconnect_ms?.length ?? 0} clients reconnected`,
    valueTitle: 'Reconnect time per client (ms)',
    markers: markers.length > 0 ? markers : undefined,
    color: '#16a34a',
  });
}
