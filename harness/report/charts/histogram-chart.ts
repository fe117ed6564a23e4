/** A latency/time distribution: binned counts with labelled percentile rules. */
import type { TopLevelSpec } from 'vega-lite';
import { formatDuration } from '../text.js';
import { renderChartSvg } from './render-svg.js';

export interface HistogramOptions {
  title: string;
  subtitle?: string;
  /** Axis title including the unit, e.g. "Handshake latency (ms)". */
  valueTitle: string;
  /** Percentile markers; computed from the samples when not given. */
  markers?: Array<{ label: string; value: number }>;
  color?: string;
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100); undefined for no values. */
function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export async function histogramChart(
  samples: readonly number[] | undefined,
  options: HistogramOptions,
): Promise<string> {
  const values = (samples ?? []).filter((v) => Number.isFinite(v));
  if (values.length === 0) return '';
  const markers =
    options.markers ??
    [
      { label: 'p50', value: percentile(values, 50) },
      { label: 'p99', value: percentile(values, 99) },
    ].filter((m): m is { label: string; value: number } => m.value !== undefined);
  const markerData = markers.map((m) => ({
    ...m,
    text: `${m.label} ${m.value < 10 ? `${m.value.toFixed(1)} ms` : formatDuration(m.value)}`,
  }));
  const spec: TopLevelSpec = {
    title: { text: options.title, subtitle: options.subtitle ?? `${values.length} samples`, offset: 22 },
    width: 400,
    height: 220,
    layer: [
      {
        data: { values: values.map((v) => ({ v })) },
        mark: { type: 'bar', color: options.color ?? '#2563eb', binSpacing: 1 },
        encoding: {
          x: { field: 'v', type: 'quantitative', bin: { maxbins: 30 }, title: options.valueTitle },
          y: { aggregate: 'count', type: 'quantitative', title: 'Count' },
        },
      },
      {
        data: { values: markerData },
        mark: { type: 'rule', color: '#1f2933', strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x: { field: 'value', type: 'quantitative' } },
      },
      {
        data: { values: markerData },
        mark: {
          type: 'text',
          align: 'left',
          dx: 3,
          baseline: 'bottom',
          fontSize: 11,
          fontWeight: 600,
          color: '#1f2933',
        },
        encoding: { x: { field: 'value', type: 'quantitative' }, y: { value: -3 }, text: { field: 'text' } },
      },
    ],
  };
  return renderChartSvg(spec);
}
