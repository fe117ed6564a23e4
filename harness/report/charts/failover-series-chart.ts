/**
 * One failover scenario over time, one second per step: messages/s sent and received per QoS, latency p50/p99,
 * connections per node, lost/duplicated per second and the balancer's server states as bands, the fault interval
 * shaded in every panel (the same chart serves any fault scenario with a FailoverSeries).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FailoverSeries, TimelineEvent } from '../summary-types.js';
import { CHART_CONFIG, NODE_PALETTE, naturalCompare, renderChartSvg } from './render-svg.js';

const WIDTH = 760;
const PANEL_HEIGHT = 120;
const FAULT_FILL = '#dc2626';
const QOS_COLORS = ['#2563eb', '#ea580c', '#16a34a'];
const STATE_COLORS: Record<string, string> = {
  UP: '#16a34a',
  DOWN: '#dc2626',
  MAINT: '#6b7280',
  NOLB: '#f59e0b',
  DRAIN: '#d97706',
  no: '#93c5fd',
};
const MARKERS: Record<string, string> = { 'marked-down': '#b45309', 'marked-up': '#2563eb', reconnected: '#16a34a' };

interface Ctx {
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

function panel(ctx: Ctx, title: string, layers: object[], opts: { labelled?: boolean; xTitle?: boolean } = {}) {
  return {
    title: { text: title, fontSize: 13, fontWeight: 600, offset: 6 },
    width: WIDTH,
    height: PANEL_HEIGHT,
    encoding: { x: xAxis(ctx, opts.xTitle ? 'Time since scenario start (s)' : null) },
    layer: [...overlays(ctx, opts.labelled ?? false), ...layers],
  };
}

const mid = (s: FailoverSeries, i: number): number => (s.t[i]! + s.step_ms / 2) / 1000;

function messagesPanel(ctx: Ctx) {
  const s = ctx.series;
  const rows = Object.keys(s.sent)
    .sort()
    .flatMap((q) =>
      (['sent', 'received'] as const).flatMap((kind) =>
        s[kind][q]!.map((v, i) => ({ t: mid(s, i), v: v / (s.step_ms / 1000), qos: `QoS ${q}`, kind })),
      ),
    );
  const qos = [...new Set(rows.map((r) => r.qos))];
  return panel(
    ctx,
    'Messages per second (deliveries): sent dashed, received solid',
    [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: {
          y: { field: 'v', type: 'quantitative', title: 'msg/s' },
          color: { field: 'qos', type: 'nominal', title: 'QoS', scale: { domain: qos, range: QOS_COLORS } },
          strokeDash: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['sent', 'received'],
              range: [
                [5, 3],
                [1, 0],
              ],
            },
          },
          detail: { field: 'kind' },
        },
      },
    ],
    { labelled: true },
  );
}

function latencyPanel(ctx: Ctx) {
  const s = ctx.series;
  const rows = (['p50', 'p99'] as const).flatMap((p) =>
    (p === 'p50' ? s.latency_p50_ms : s.latency_p99_ms).map((v, i) => ({ t: mid(s, i), v, p: `latency ${p}` })),
  );
  // A symlog axis labels only its far end by default: decades instead, up to the highest value.
  const max = Math.max(1, ...rows.map((r) => r.v ?? 0));
  const ticks = [0, 1, 10, 100, 1000, 10_000, 100_000].filter((v) => v <= max * 1.5);
  return panel(ctx, 'End-to-end latency per second (ms), all QoS', [
    {
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 1.8, point: { size: 12 } },
      encoding: {
        y: { field: 'v', type: 'quantitative', title: 'ms', scale: { type: 'symlog' }, axis: { values: ticks } },
        color: {
          field: 'p',
          type: 'nominal',
          title: null,
          scale: { domain: ['latency p50', 'latency p99'], range: ['#0891b2', '#9333ea'] },
        },
      },
    },
  ]);
}

function connectionsPanel(ctx: Ctx, labelled: boolean) {
  const s = ctx.series;
  const nodes = Object.keys(s.connections).sort(naturalCompare);
  // The bucket's last sample: drawn at the bucket's end, so a drop never appears before the fault that caused it.
  const rows = nodes.flatMap((node) =>
    s.connections[node]!.map((v, i) => ({ t: (s.t[i]! + s.step_ms) / 1000, v, node })),
  );
  return panel(
    ctx,
    'Live connections per node',
    [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          y: { field: 'v', type: 'quantitative', title: 'connections' },
          color: {
            field: 'node',
            type: 'nominal',
            title: 'Node',
            scale: { domain: nodes, range: NODE_PALETTE.slice(0, Math.max(1, nodes.length)) },
          },
        },
      },
    ],
    { labelled },
  );
}

function lossPanel(ctx: Ctx) {
  const s = ctx.series;
  // Stacked by hand (a rect spans its second in x and [y0, y1] in y).
  const stacked = new Array<number>(s.t.length).fill(0);
  const rows = (['lost', 'duplicated'] as const).flatMap((kind) =>
    Object.entries(s[kind]).flatMap(([q, values]) =>
      values.flatMap((v, i) => {
        if (v <= 0) return [];
        const y0 = stacked[i]!;
        stacked[i] = y0 + v;
        const from = s.t[i]! / 1000;
        return [{ from, to: (s.t[i]! + s.step_ms) / 1000, y0, y1: y0 + v, v, what: `${kind} QoS ${q}` }];
      }),
    ),
  );
  const total = (kind: 'lost' | 'duplicated') =>
    Object.values(s[kind]).reduce((n, v) => n + v.reduce((a, b) => a + b, 0), 0);
  const title = `Lost / duplicated per second (${total('lost')} lost, ${total('duplicated')} duplicated in total)`;
  const bars = rows.length
    ? [
        {
          data: { values: rows },
          mark: { type: 'rect', opacity: 0.85, stroke: '#ffffff', strokeWidth: 0.5 },
          encoding: {
            x: { field: 'from', type: 'quantitative' },
            x2: { field: 'to' },
            y: { field: 'y1', type: 'quantitative', title: 'deliveries' },
            y2: { field: 'y0' },
            color: { field: 'what', type: 'nominal', title: null, scale: { scheme: 'darkred' } },
          },
        },
      ]
    : [
        {
          data: { values: [{ t: 0, v: 0 }] },
          mark: { type: 'rule', stroke: '#9aa5b1' },
          encoding: { y: { field: 'v', type: 'quantitative', title: 'deliveries', scale: { domain: [0, 1] } } },
        },
      ];
  return panel(ctx, title, bars);
}

function statesPanel(ctx: Ctx) {
  const s = ctx.series;
  const nodes = Object.keys(s.states).sort(naturalCompare);
  const rows = nodes.flatMap((node) =>
    s.states[node]!.map((b) => ({ node, from: b.from_ms / 1000, to: b.to_ms / 1000, state: b.state })),
  );
  const states = [...new Set(rows.map((r) => r.state))];
  return {
    ...panel(
      ctx,
      "Balancer's server state per node",
      [
        {
          name: 'server_states',
          data: { values: rows },
          mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
          encoding: {
            x: { field: 'from', type: 'quantitative' },
            x2: { field: 'to' },
            y: { field: 'node', type: 'nominal', title: null, sort: nodes },
            color: {
              field: 'state',
              type: 'nominal',
              title: 'State',
              scale: { domain: states, range: states.map((st) => STATE_COLORS[st] ?? '#a78bfa') },
            },
          },
        },
      ],
      { xTitle: true },
    ),
    height: Math.max(40, nodes.length * 22),
  };
}

function markersOf(events: TimelineEvent[] | undefined): Ctx['markers'] {
  return (events ?? [])
    .filter((e) => MARKERS[e.kind])
    .map((e) => ({ t: e.t / 1000, label: e.node ? `${e.kind} ${e.node}` : e.kind, color: MARKERS[e.kind]! }));
}

/** The stacked panels over one time axis; empty when the series has no buckets. */
export async function failoverSeriesChart(
  series: FailoverSeries | undefined,
  scenario = '',
  events?: TimelineEvent[],
): Promise<string> {
  if (!series || series.t.length === 0) return '';
  const maxS = (series.t.at(-1)! + series.step_ms) / 1000;
  const faults = series.faults.map((f) => ({
    from: f.from_ms / 1000,
    to: Math.max(f.to_ms, f.from_ms + 100) / 1000,
    label: `${f.kind}${f.node ? ` ${f.node}` : ''} ${(f.from_ms / 1000).toFixed(1)}–${(f.to_ms / 1000).toFixed(1)} s`,
  }));
  const ctx: Ctx = { series, maxS, faults, markers: markersOf(events) };
  const hasTraffic = Object.keys(series.sent).length > 0;
  const panels = [
    ...(hasTraffic ? [messagesPanel(ctx), latencyPanel(ctx)] : []),
    connectionsPanel(ctx, !hasTraffic),
    ...(hasTraffic ? [lossPanel(ctx)] : []),
    ...(Object.keys(series.states).length ? [statesPanel(ctx)] : []),
  ];
  const spec = {
    title: {
      text: scenario ? `Over time — ${scenario}` : 'Failover over time',
      subtitle: `Shaded: the fault interval${faults.length ? ` (${faults.map((f) => f.label).join('; ')})` : ' (none recorded)'} · dashed rules: amber marked-down, green reconnected, blue marked-up`,
    },
    vconcat: panels,
    spacing: 14,
    resolve: {
      scale: { color: 'independent', strokeDash: 'independent', y: 'independent' },
      legend: { color: 'independent' },
    },
    config: { legend: { ...CHART_CONFIG.legend, orient: 'right', direction: 'vertical' } },
  } as unknown as TopLevelSpec;
  return renderChartSvg(spec);
}
