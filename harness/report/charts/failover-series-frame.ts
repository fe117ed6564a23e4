/** The failover-over-time chart's frame: the time axis, shaded fault interval and marker rules every panel carries. */
import type { FailoverSeries, TimelineEvent } from '../summary-types.js';

const WIDTH = 760;
const PANEL_HEIGHT = 120;
const FAULT_FILL = '#dc2626';
const MARKERS: Record<string, string> = { 'marked-down': '#b45309', 'marked-up': '#2563eb', reconnected: '#16a34a' };

export interface Ctx {
  series: FailoverSeries;
  maxS: number;
  faults: Array<{ from: number; to: number; label: string }>;
  markers: Array<{ t: number; label: string; color: string }>;
}

function xAxis(ctx: Ctx, title: string | null) {
  return {
    field: 't',
    type: 'quantitative' as const,
    title,
    scale: { domain: [0, ctx.maxS], nice: false },
    axis: title === null ? { labels: false, ticks: true } : {},
  };
}

/** The fault interval (shaded, named `fault-interval` in the SVG) and the detection/reconnect markers. */
function overlays(ctx: Ctx, labelled: boolean) {
  const layers: object[] = [];
  if (ctx.faults.length) {
    layers.push({
      name: 'fault_interval',
      data: { values: ctx.faults },
      mark: {
        type: 'rect',
        fill: FAULT_FILL,
        opacity: 0.13,
        stroke: FAULT_FILL,
        strokeOpacity: 0.5,
        strokeDash: [3, 2],
      },
      encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
    });
    if (labelled)
      layers.push({
        data: { values: ctx.faults },
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'top',
          dx: 3,
          dy: 2,
          fontSize: 11,
          fontWeight: 600,
          fill: '#991b1b',
        },
        encoding: { x: { field: 'from', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      });
  }
  if (ctx.markers.length)
    layers.push({
      data: { values: ctx.markers },
      mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.2 },
      encoding: {
        x: { field: 't', type: 'quantitative' },
        stroke: { field: 'color', type: 'nominal', scale: null, legend: null },
      },
    });
  return layers;
}

export function panel(ctx: Ctx, title: string, layers: object[], opts: { labelled?: boolean; xTitle?: boolean } = {}) {
  return {
    title: { text: title, fontSize: 13, fontWeight: 600, offset: 6 },
    width: WIDTH,
    height: PANEL_HEIGHT,
    encoding: { x: xAxis(ctx, opts.xTitle ? 'Time since scenario start (s)' : null) },
    layer: [...overlays(ctx, opts.labelled ?? false), ...layers],
  };
}

export const mid = (s: FailoverSeries, i: number): number => (s.t[i]! + s.step_ms / 2) / 1000;

export function markersOf(events: TimelineEvent[] | undefined): Ctx['markers'] {
  return (events ?? [])
    .filter((e) => MARKERS[e.kind])
    .map((e) => ({ t: e.t / 1000, label: e.node ? `${e.kind} ${e.node}` : e.kind, color: MARKERS[e.kind]! }));
}
