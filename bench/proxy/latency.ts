/**
 * Added latency, paired: every path (direct, through HAProxy, through TS-proxy) has its own publisher and
 * subscriber on its own topic; each pacing tick publishes message `seq` on every path at the same moment
 * (the order rotates per message). The broker handles the copies side by side, so its hiccups hit all of
 * them: per message, added(X) = round trip via X − round trip direct, which cancels broker and machine noise
 * that unpaired p99s (measured seconds apart) would keep. Round trips go to HdrHistograms (µs); the paired
 * differences, which can be negative, are sorted exactly.
 */
import { awaitDelivery, pubSubPair } from './loads.js';
import type { Endpoint, MqttConn } from './clients.js';
import { latencyHistogram, round, summarize, type LatencySummary } from './measure.js';
import { publishTemplate, readStamp, stampedPublish } from './mqtt-wire.js';

export interface PathSpec {
  name: string;
  ep: Endpoint;
}

export interface AddedLatency {
  count: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
}

export interface PairedLatencyResult {
  rate_per_path: number;
  sent_per_path: number;
  round_trip: Record<string, LatencySummary>;
  /** Per-message round trip minus the same message's direct round trip (every path but `reference`). */
  added: Record<string, AddedLatency>;
  lost: Record<string, number>;
}

function exactPercentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Path {
  spec: PathSpec;
  pub: MqttConn;
  sub: MqttConn;
  template: ReturnType<typeof publishTemplate>;
  sentAt: Float64Array;
  rtt: Float64Array;
  received: number;
}

/** `count` messages per path at `rate`/s per path; `reference` names the direct path. */
export async function pairedLatency(specs: PathSpec[], reference: string, o: { rate: number; count: number; payload: number; maxMs: number }): Promise<PairedLatencyResult> {
  const paths: Path[] = [];
  try {
    for (const spec of specs) {
      const { pub, sub, topic } = await pubSubPair(spec.ep, 'lat');
      const path: Path = { spec, pub, sub, template: publishTemplate(topic, o.payload), sentAt: new Float64Array(o.count).fill(NaN), rtt: new Float64Array(o.count).fill(NaN), received: 0 };
      sub.onPublish = (packet, payloadAt, end) => {
        const now = performance.now();
        const { seq } = readStamp(packet, payloadAt, end);
        if (seq < 0 || seq >= o.count) return;
        path.received++;
        path.rtt[seq] = now - path.sentAt[seq]!;
      };
      paths.push(path);
    }
    const t0 = performance.now();
    const deadline = t0 + o.maxMs;
    let sent = 0;
    await new Promise<void>((resolve) => {
      function tick(): void {
        const now = performance.now();
        const due = Math.min(o.count, Math.floor(((now - t0) / 1000) * o.rate));
        for (; sent < due; sent++) {
          for (let k = 0; k < paths.length; k++) {
            const p = paths[(sent + k) % paths.length]!;
            const at = performance.now();
            p.sentAt[sent] = at;
            p.pub.write(stampedPublish(p.template, at, sent));
          }
        }
        if (sent < o.count && now < deadline) setTimeout(tick, 1);
        else resolve();
      }
      tick();
    });
    const lost: Record<string, number> = {};
    for (const p of paths) lost[p.spec.name] = await awaitDelivery(() => p.received, sent, 10_000);
    return { rate_per_path: o.rate, sent_per_path: sent, round_trip: roundTrips(paths, sent), added: addedLatencies(paths, reference, sent), lost };
  } finally {
    for (const p of paths) {
      p.pub.close();
      p.sub.close();
    }
  }
}

function roundTrips(paths: Path[], sent: number): Record<string, LatencySummary> {
  const out: Record<string, LatencySummary> = {};
  for (const p of paths) {
    const h = latencyHistogram();
    for (let i = 0; i < sent; i++) if (!Number.isNaN(p.rtt[i]!)) h.recordValue(Math.max(1, Math.round(p.rtt[i]! * 1000)));
    out[p.spec.name] = summarize(h);
  }
  return out;
}

function addedLatencies(paths: Path[], reference: string, sent: number): Record<string, AddedLatency> {
  const ref = paths.find((p) => p.spec.name === reference);
  if (!ref) throw new Error(`no reference path ${reference}`);
  const out: Record<string, AddedLatency> = {};
  for (const p of paths) {
    if (p === ref) continue;
    const diffs: number[] = [];
    for (let i = 0; i < sent; i++) {
      const d = p.rtt[i]! - ref.rtt[i]!;
      if (!Number.isNaN(d)) diffs.push(d * 1000);
    }
    const sorted = Float64Array.from(diffs).sort();
    out[p.spec.name] = { count: sorted.length, p50_us: round(exactPercentile(sorted, 50), 1), p90_us: round(exactPercentile(sorted, 90), 1), p99_us: round(exactPercentile(sorted, 99), 1) };
  }
  return out;
}
