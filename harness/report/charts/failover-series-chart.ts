/**
 * One failover scenario over time, one second per step: messages/s sent and received per QoS, latency p50/p99,
 * connections per node, lost/duplicated per second and the balancer's server states as bands, the fault interval
 * shaded in every panel (the same chart serves any fault scenario with a FailoverSeries).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FailoverSeries, TimelineEvent } from '../summary-types.js';
import { CHART_CONFIG, NODE_PALETTE, naturalCompare, renderChartSvg } from './render-svg.js';
import { markersOf, mid, panel, type Ctx } from './failover-series-frame.js';

const QOS_COLORS = ['#2563eb', '#ea580c', '#16a34a'];
const STATE_COLORS: Record<string, string> = {
  UP: '#16a34a',
  DOWN: '#dc2626',
  MAINT: '#6b7280',
  NOLB: '#f59e0b',
  DRAIN: '#d97706',
  no: '#93c5fd',
};

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
