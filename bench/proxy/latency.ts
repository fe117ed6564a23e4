/**
 * Added latency, paired. A round pairs one balancer with the direct path: each has its own publisher and
 * subscriber on its own topic, and each pacing tick publishes message `seq` on both at the same moment
 * (which goes first alternates). The broker handles the two copies side by side, so its hiccups hit both:
 * per message, added = round trip via the balancer − the same message's direct round trip. That cancels
 * broker and machine noise which unpaired p99s (measured seconds apart) keep. Rounds alternate between
 * the balancers (only one balancer busy at a time: they do not compete for the two cores), and each
 * balancer's rounds are pooled. Round trips go to HdrHistograms (µs); the paired differences, which can
 * be negative, are kept and sorted exactly.
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
  rounds: number;
  round_trip: Record<string, LatencySummary>;
  /** Per-message round trip minus the same message's direct round trip. */
  added: Record<string, AddedLatency>;
  lost: Record<string, number>;
}

interface Path {
  name: string;
  pub: MqttConn;
  sub: MqttConn;
  template: ReturnType<typeof publishTemplate>;
  sentAt: Float64Array;
  rtt: Float64Array;
  received: number;
}

async function openPath(spec: PathSpec, count: number, payload: number): Promise<Path> {
  const { pub, sub, topic } = await pubSubPair(spec.ep, 'lat');
  const path: Path = {
    name: spec.name,
    pub,
    sub,
    template: publishTemplate(topic, payload),
    sentAt: new Float64Array(count).fill(NaN),
    rtt: new Float64Array(count).fill(NaN),
    received: 0,
  };
  sub.onPublish = (packet, payloadAt, end) => {
    const now = performance.now();
    const { seq } = readStamp(packet, payloadAt, end);
    if (seq < 0 || seq >= count) return;
    path.received++;
    path.rtt[seq] = now - path.sentAt[seq]!;
  };
  return path;
}

/** Publishes `count` messages on every path at `rate`/s per path, the copies of one message back to back. */
function paceTogether(paths: Path[], rate: number, count: number, maxMs: number): Promise<number> {
  const t0 = performance.now();
  let sent = 0;
  return new Promise<number>((resolve) => {
    function tick(): void {
      const now = performance.now();
      const due = Math.min(count, Math.floor(((now - t0) / 1000) * rate));
      for (; sent < due; sent++) {
        for (let k = 0; k < paths.length; k++) {
          const p = paths[(sent + k) % paths.length]!;
          const at = performance.now();
          p.sentAt[sent] = at;
          p.pub.write(stampedPublish(p.template, at, sent));
        }
      }
      if (sent < count && now - t0 < maxMs) setTimeout(tick, 1);
      else resolve(sent);
    }
    tick();
  });
}

/** Pools the rounds of every balancer; result() summarizes. */
export class PairedLatency {
  private readonly rtt = new Map<string, ReturnType<typeof latencyHistogram>>();
  private readonly added = new Map<string, number[]>();
  private readonly lost = new Map<string, number>();
  private rounds = 0;

  constructor(private readonly o: { rate: number; perRound: number; payload: number }) {}

  /** One round: `balancer` and `direct` side by side. */
  async round(balancer: PathSpec, direct: PathSpec): Promise<void> {
    const { rate, perRound, payload } = this.o;
    const paths: Path[] = [];
    try {
      for (const spec of [direct, balancer]) paths.push(await openPath(spec, perRound, payload));
      const sent = await paceTogether(paths, rate, perRound, (perRound / rate) * 2000);
      for (const p of paths)
        this.lost.set(p.name, (this.lost.get(p.name) ?? 0) + (await awaitDelivery(() => p.received, sent, 10_000)));
      this.record(paths[1]!, paths[0]!, sent);
      this.rounds++;
    } finally {
      for (const p of paths) {
        p.pub.close();
        p.sub.close();
      }
    }
  }

  private record(via: Path, direct: Path, sent: number): void {
    const diffs = this.added.get(via.name) ?? [];
    this.added.set(via.name, diffs);
    for (const p of [via, direct]) {
      const h = this.rtt.get(p.name) ?? latencyHistogram();
      this.rtt.set(p.name, h);
      for (let i = 0; i < sent; i++)
        if (!Number.isNaN(p.rtt[i]!)) h.recordValue(Math.max(1, Math.round(p.rtt[i]! * 1000)));
    }
    for (let i = 0; i < sent; i++) {
      const d = via.rtt[i]! - direct.rtt[i]!;
      if (!Number.isNaN(d)) diffs.push(d * 1000);
    }
  }

  result(): PairedLatencyResult {
    const round_trip: Record<string, LatencySummary> = {};
    for (const [name, h] of this.rtt) round_trip[name] = summarize(h);
    const added: Record<string, AddedLatency> = {};
    for (const [name, diffs] of this.added) {
      const sorted = Float64Array.from(diffs).sort();
      const at = (p: number): number =>
        sorted.length
          ? round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!, 1)
          : NaN;
      added[name] = { count: sorted.length, p50_us: at(50), p90_us: at(90), p99_us: at(99) };
    }
    return { rate_per_path: this.o.rate, rounds: this.rounds, round_trip, added, lost: Object.fromEntries(this.lost) };
  }
}
