/**
 * Per-suite aggregation of the clients' connection phases (TCP connect, TLS handshake, WebSocket upgrade, CONNACK,
 * SUBACK), as emqtt-bench reports them: one HDR histogram per phase for the percentiles, plus fixed 1-2-5 buckets
 * for the report's histogram chart.
 */
import * as hdr from 'hdr-histogram-js';
import type { ConnectPhaseStats, ConnectPhasesMetrics } from '../report/summary-types.js';

export const CONNECT_PHASES = ['tcp', 'tls', 'ws_upgrade', 'connack', 'suback'] as const;
export type ConnectPhase = (typeof CONNECT_PHASES)[number];

/** Upper bounds (ms, inclusive) of the chart's buckets: 1-2-5 steps from 0.05 ms to 60 s; beyond: the last bucket. */
export const BUCKET_BOUNDS_MS: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let decade = 0.01; decade <= 10_000; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const v = Number((decade * step).toPrecision(3));
      if (v >= 0.05 && v <= 60_000) bounds.push(v);
    }
  }
  return [...bounds, 60_000];
})();

/** 1 µs .. 10 min, 3 significant digits (values beyond are clamped to the top). */
const HIGHEST_US = 600_000_000;

function phaseHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** One phase: HDR histogram (µs) and the chart's bucket counts. */
class PhaseRecord {
  readonly histogram = phaseHistogram();
  readonly buckets = new Array<number>(BUCKET_BOUNDS_MS.length).fill(0);

  add(ms: number): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    this.histogram.recordValue(us);
    const i = BUCKET_BOUNDS_MS.findIndex((b) => ms <= b);
    this.buckets[i === -1 ? this.buckets.length - 1 : i]! += 1;
  }

  stats(): ConnectPhaseStats {
    const h = this.histogram;
    // HDR percentiles are the highest value equivalent to the bucket's: never above the exact maximum.
    const max = h.maxValue;
    const at = (p: number): number => round2(Math.min(h.getValueAtPercentile(p), max) / 1000);
    const first = this.buckets.findIndex((c) => c > 0);
    const last = this.buckets.length - 1 - [...this.buckets].reverse().findIndex((c) => c > 0);
    return {
      count: h.totalCount,
      p50_ms: at(50),
      p99_ms: at(99),
      max_ms: round2(max / 1000),
      buckets: this.buckets.slice(first, last + 1).map((count, j) => ({ le_ms: BUCKET_BOUNDS_MS[first + j]!, count })),
    };
  }
}

/** Where a suite's client pool records phase times (ms); summarised into `metrics.<suite>.connect_phases`. */
export class ConnectPhaseHistograms {
  private readonly phases = new Map<ConnectPhase, PhaseRecord>();
  /** Clients created by the pool. */
  clients = 0;
  /** Connection attempts: a client's first connect and each reconnect. */
  attempts = 0;
  /** Transports the clients used (tcp, tls, ws, wss). */
  readonly transports = new Set<string>();

  record(phase: ConnectPhase, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    let r = this.phases.get(phase);
    if (!r) this.phases.set(phase, (r = new PhaseRecord()));
    r.add(ms);
  }

  count(phase: ConnectPhase): number {
    return this.phases.get(phase)?.histogram.totalCount ?? 0;
  }

  /** The summary.json shape; phases that never happened are absent (e.g. `tls` without TLS clients). */
  summary(): ConnectPhasesMetrics {
    const out: ConnectPhasesMetrics = {
      clients: this.clients,
      attempts: this.attempts,
      transports: [...this.transports].sort(),
    };
    for (const phase of CONNECT_PHASES) {
      const r = this.phases.get(phase);
      if (r) out[phase] = r.stats();
    }
    return out;
  }
}
