/** The bench's raw figures, the six ratios (TS-proxy relative to HAProxy) with their targets, and the table. */
import type { ConnectRateResult, IdleMemoryResult, SaturationResult } from './loads.js';
import type { PairedLatencyResult } from './latency.js';
import { ratio, round } from './measure.js';
import type { TargetName } from './topology.js';

type PerBalancer<T> = { haproxy: T | null; 'ts-proxy': T | null };

export interface CpuFigures {
  balancer_cpu_s: number;
  balancer_cpu_s_per_100k: number;
  broker_cpu_s_per_100k: number;
  generator_cpu_s_per_100k: number;
  received: number;
  lost: number;
  elapsed_s: number;
}

export interface TlsFigures {
  handshakes_per_s: number;
  p50_ms: number;
  p99_ms: number;
  completed: number;
  failed: number;
  negotiated: string[];
}

export interface Raw {
  machine: { haproxy_threads: number; key_type: string; plan: unknown };
  memory: { warm: number; connections: number } & PerBalancer<IdleMemoryResult>;
  throughput: { payload: number; results: Partial<Record<TargetName, SaturationResult>> };
  cpu_1k: { rate: number; count: number; payload: number } & PerBalancer<CpuFigures>;
  cpu_64k: { rate: number; count: number; payload: number } & PerBalancer<CpuFigures>;
  latency: PairedLatencyResult;
  connect: { concurrency: number; results: Partial<Record<TargetName, ConnectRateResult>> };
  tls: { concurrency: number; results: Partial<Record<TargetName, TlsFigures>> };
}

export const TARGETS = {
  cpu_ratio: { max: 1.3 },
  p99_ratio: { max: 1.5 },
  conn_ratio: { min: 0.8 },
  tls_ratio: { min: 0.8 },
  mem_ratio: { max: 2 },
  msgs_ratio: { min: 0.95 },
} as const;
export type RatioKey = keyof typeof TARGETS;

export interface Ratios {
  values: Record<RatioKey, number | null>;
  targets: Record<RatioKey, string>;
  pass: Record<RatioKey, boolean>;
}

function pair<T>(p: PerBalancer<T>, pick: (v: T) => number): number | null {
  return p.haproxy && p['ts-proxy'] ? ratio(pick(p['ts-proxy']), pick(p.haproxy)) : null;
}

function results<T>(r: Partial<Record<TargetName, T>>): PerBalancer<T> {
  return { haproxy: r.haproxy ?? null, 'ts-proxy': r['ts-proxy'] ?? null };
}

export function computeRatios(raw: Raw): Ratios {
  const cpu1k = pair(raw.cpu_1k, (c) => c.balancer_cpu_s_per_100k);
  const cpu64k = pair(raw.cpu_64k, (c) => c.balancer_cpu_s_per_100k);
  const added = (name: TargetName): number => raw.latency.added[name]?.p99_us ?? NaN;
  const values: Record<RatioKey, number | null> = {
    cpu_ratio: cpu1k === null || cpu64k === null ? null : round(Math.max(cpu1k, cpu64k), 3),
    p99_ratio: ratio(added('ts-proxy'), added('haproxy')),
    conn_ratio: pair(results(raw.connect.results), (c) => c.per_s),
    tls_ratio: pair(results(raw.tls.results), (c) => c.handshakes_per_s),
    mem_ratio: pair(raw.memory, (m) => m.bytes_per_conn),
    msgs_ratio: pair(results(raw.throughput.results), (t) => t.msgs_per_s),
  };
  const targets = {} as Record<RatioKey, string>;
  const pass = {} as Record<RatioKey, boolean>;
  for (const key of Object.keys(TARGETS) as RatioKey[]) {
    const t: { max?: number; min?: number } = TARGETS[key];
    const v = values[key];
    targets[key] = t.max !== undefined ? `<= ${t.max}` : `>= ${t.min}`;
    pass[key] = v !== null && (t.max !== undefined ? v <= t.max : v >= t.min!);
  }
  return { values, targets, pass };
}

const cell = (v: unknown): string =>
  v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? '-' : String(v);

/** One row per measure: HAProxy, TS-proxy, direct, ratio, target, verdict. */
export function printTable(raw: Raw, r: Ratios): void {
  const row = (measure: string, h: unknown, t: unknown, d: unknown, key: RatioKey | null, note = ''): string[] => [
    measure,
    cell(h),
    cell(t),
    cell(d),
    key ? cell(r.values[key]) : '',
    key ? r.targets[key] : '',
    key ? (r.pass[key] ? 'ok' : 'MISS') : '',
    note,
  ];
  const rt = raw.latency.round_trip;
  const add = raw.latency.added;
  const cpuNote = (key: 'cpu_1k' | 'cpu_64k'): string => cell(pair(raw[key], (c) => c.balancer_cpu_s_per_100k));
  const rows = [
    ['measure', 'haproxy', 'ts-proxy', 'direct', 'ratio', 'target', '', 'note'],
    row(
      `CPU s/100k msgs, ${raw.cpu_1k.payload} B @${raw.cpu_1k.rate}/s`,
      raw.cpu_1k.haproxy?.balancer_cpu_s_per_100k,
      raw.cpu_1k['ts-proxy']?.balancer_cpu_s_per_100k,
      null,
      null,
      `ratio ${cpuNote('cpu_1k')}`,
    ),
    row(
      `CPU s/100k msgs, ${raw.cpu_64k.payload} B @${raw.cpu_64k.rate}/s`,
      raw.cpu_64k.haproxy?.balancer_cpu_s_per_100k,
      raw.cpu_64k['ts-proxy']?.balancer_cpu_s_per_100k,
      null,
      'cpu_ratio',
      `ratio ${cpuNote('cpu_64k')}; cpu_ratio = the worse`,
    ),
    row(
      `round trip p50 µs @${raw.latency.rate_per_path}/s`,
      rt['haproxy']?.p50_us,
      rt['ts-proxy']?.p50_us,
      rt['direct']?.p50_us,
      null,
    ),
    row('round trip p99 µs', rt['haproxy']?.p99_us, rt['ts-proxy']?.p99_us, rt['direct']?.p99_us, null),
    row('added p50 µs (paired, per message)', add['haproxy']?.p50_us, add['ts-proxy']?.p50_us, null, null),
    row('added p99 µs (paired, per message)', add['haproxy']?.p99_us, add['ts-proxy']?.p99_us, null, 'p99_ratio'),
    row(
      `CONNECT→CONNACK /s (c=${raw.connect.concurrency})`,
      raw.connect.results.haproxy?.per_s,
      raw.connect.results['ts-proxy']?.per_s,
      raw.connect.results.direct?.per_s,
      'conn_ratio',
    ),
    row(
      `TLS handshakes /s (c=${raw.tls.concurrency}, ${raw.machine.key_type})`,
      raw.tls.results.haproxy?.handshakes_per_s,
      raw.tls.results['ts-proxy']?.handshakes_per_s,
      raw.tls.results.direct?.handshakes_per_s,
      'tls_ratio',
    ),
    row(
      `RSS bytes per idle connection (+${raw.memory.connections})`,
      raw.memory.haproxy?.bytes_per_conn,
      raw.memory['ts-proxy']?.bytes_per_conn,
      null,
      'mem_ratio',
    ),
    row(
      `msg/s at saturation, ${raw.throughput.payload} B`,
      raw.throughput.results.haproxy?.msgs_per_s,
      raw.throughput.results['ts-proxy']?.msgs_per_s,
      raw.throughput.results.direct?.msgs_per_s,
      'msgs_ratio',
    ),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
  const lines = rows.map((x) =>
    x
      .map((c, i) => (i === 0 || i === x.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  process.stdout.write(
    `\nTS-proxy vs HAProxy (nbthread ${raw.machine.haproxy_threads}), one stand-in node behind each, loopback\n${lines.join('\n')}\n\n`,
  );
}
