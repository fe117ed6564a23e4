/** A suite's connection phases as one histogram: grouped bars per 1-2-5 time bucket, one colour per phase. */
import type { TopLevelSpec } from 'vega-lite';
import type { ConnectPhasesMetrics } from '../summary-types.js';
import { renderChartSvg } from './render-svg.js';

/** The phases in connection order, with the names the report shows and their colours. */
export const PHASE_LABELS = [
  { key: 'tcp', label: 'TCP connect', color: '#2563eb' },
  { key: 'tls', label: 'TLS handshake', color: '#9333ea' },
  { key: 'ws_upgrade', label: 'WebSocket upgrade', color: '#ca8a04' },
  { key: 'connack', label: 'CONNACK', color: '#16a34a' },
  { key: 'suback', label: 'SUBACK', color: '#ea580c' },
] as const;

export interface PhaseBar {
  bucket: string;
  le_ms: number;
  phase: string;
  count: number;
}

/** "≤ 0.5 ms", "≤ 2 s". */
export function bucketLabel(leMs: number): string {
  return leMs >= 1000 ? `≤ ${leMs / 1000} s` : `≤ ${leMs} ms`;
}

/** One bar per phase and bucket, over the union of the phases' buckets (missing buckets count 0). */
export function connectPhaseBars(m: ConnectPhasesMetrics): PhaseBar[] {
  const phases = PHASE_LABELS.filter((p) => m[p.key]?.buckets.length);
  const bounds = [...new Set(phases.flatMap((p) => m[p.key]!.buckets.map((b) => b.le_ms)))].sort((a, b) => a - b);
  return bounds.flatMap((le) =>
    phases.map((p) => ({
      bucket: bucketLabel(le),
      le_ms: le,
      phase: p.label,
      count: m[p.key]!.buckets.find((b) => b.le_ms === le)?.count ?? 0,
    })),
  );
}

/** Empty string when no phase has samples. */
export async function connectPhasesChart(m: ConnectPhasesMetrics, suite: string): Promise<string> {
  const bars = connectPhaseBars(m);
  if (bars.length === 0) return '';
  const phases = PHASE_LABELS.filter((p) => m[p.key]?.buckets.length);
  const order = [...new Set(bars.map((b) => b.bucket))];
  const spec: TopLevelSpec = {
    title: {
      text: `Connection phases — ${suite}`,
      subtitle: `${m.clients} clients, ${m.attempts} connection attempts · ${m.transports.join(', ') || 'tcp'}`,
    },
    width: Math.max(400, order.length * Math.max(70, phases.length * 16)),
    height: 220,
    data: { values: bars },
    mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
    encoding: {
      x: {
        field: 'bucket',
        type: 'ordinal',
        sort: order,
        title: 'Phase duration (bucket upper bound)',
        axis: { labelAngle: 0 },
      },
      xOffset: { field: 'phase', type: 'nominal', sort: phases.map((p) => p.label) },
      y: { field: 'count', type: 'quantitative', title: 'Count', axis: { tickMinStep: 1, format: 'd' } },
      color: {
        field: 'phase',
        type: 'nominal',
        title: null,
        sort: phases.map((p) => p.label),
        scale: { domain: phases.map((p) => p.label), range: phases.map((p) => p.color) },
      },
      tooltip: [
        { field: 'phase', type: 'nominal' },
        { field: 'bucket', type: 'ordinal' },
        { field: 'count', type: 'quantitative' },
      ],
    },
  };
  return renderChartSvg(spec);
}
