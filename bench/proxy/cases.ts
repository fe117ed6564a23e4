/**
 * The CPU, throughput, connection-setup and TLS cases, run in alternating rounds (HAProxy, TS-proxy[, direct], again …) so that
 * the machine's slow drifts (other jobs on the two shared cores) hit every target alike; rounds are pooled.
 */
import { measureHandshakes, percentile } from '../../harness/tls/handshake-bench.js';
import { connectRate, fixedRate, saturate, type ConnectRateResult, type SaturationResult } from './loads.js';
import { CpuMeter, latencyHistogram, round } from './measure.js';
import type { CpuFigures, TlsFigures } from './report.js';
import type { Target, Topology } from './topology.js';

export interface CpuPlan {
  rate: number;
  /** Messages per target over all rounds. */
  count: number;
  payload: number;
  rounds: number;
}

type Log = (line: string) => void;

/** CPU seconds of each balancer (and of the broker, and of this generator) per 100k messages at a fixed rate. */
export async function cpuCase(
  topo: Topology,
  plan: CpuPlan,
  label: string,
  log: Log,
): Promise<Partial<Record<string, CpuFigures>>> {
  const balancers = topo.targets.filter((t) => t.pid !== null);
  const sums = new Map<
    string,
    { balancer: number; broker: number; self: number; received: number; lost: number; elapsed: number }
  >(balancers.map((t) => [t.name, { balancer: 0, broker: 0, self: 0, received: 0, lost: 0, elapsed: 0 }]));
  const perRound = Math.ceil(plan.count / plan.rounds);
  const maxMs = (perRound / plan.rate) * 3000;
  for (let r = 0; r < plan.rounds; r++) {
    for (const t of balancers) {
      let meter: CpuMeter | null = null;
      let used: number[] = [];
      const self0 = process.cpuUsage();
      const res = await fixedRate(t.plain, {
        rate: plan.rate,
        count: perRound,
        payload: plan.payload,
        maxMs,
        onStart: () => (meter = new CpuMeter([t.pid!, topo.brokerPid])),
        onEnd: () => (used = meter!.used()),
      });
      const self = process.cpuUsage(self0);
      const s = sums.get(t.name)!;
      s.balancer += used[0]!;
      s.broker += used[1]!;
      s.self += (self.user + self.system) / 1e6;
      s.received += res.received;
      s.lost += res.lost;
      s.elapsed += res.elapsed_s;
    }
  }
  const out: Partial<Record<string, CpuFigures>> = {};
  for (const [name, s] of sums) {
    const per100k = (sec: number): number => round((sec * 100_000) / Math.max(1, s.received), 3);
    out[name] = {
      balancer_cpu_s: round(s.balancer, 2),
      balancer_cpu_s_per_100k: per100k(s.balancer),
      broker_cpu_s_per_100k: per100k(s.broker),
      generator_cpu_s_per_100k: per100k(s.self),
      received: s.received,
      lost: s.lost,
      elapsed_s: round(s.elapsed, 2),
    };
    log(
      `${label} ${name}: ${round(s.balancer, 2)} s CPU for ${s.received} msgs → ${per100k(s.balancer)} s/100k (broker ${per100k(s.broker)} s/100k, lost ${s.lost})`,
    );
  }
  return out;
}

export interface ThroughputPlan {
  payload: number;
  seconds: number;
  warmupS: number;
  maxCount: number;
  rounds: number;
}

/** Saturation msg/s per target: rounds pooled (messages in the measured windows / their total length). */
export async function throughputCase(
  targets: Target[],
  plan: ThroughputPlan,
  log: Log,
): Promise<Partial<Record<string, SaturationResult>>> {
  const sums = new Map<string, { rateSum: number; sent: number; received: number; lost: number }>(
    targets.map((t) => [t.name, { rateSum: 0, sent: 0, received: 0, lost: 0 }]),
  );
  for (let r = 0; r < plan.rounds; r++) {
    for (const t of targets) {
      const res = await saturate(t.plain, plan);
      const s = sums.get(t.name)!;
      s.rateSum += res.msgs_per_s;
      s.sent += res.sent;
      s.received += res.received;
      s.lost += res.lost;
    }
  }
  const out: Partial<Record<string, SaturationResult>> = {};
  for (const [name, s] of sums) {
    out[name] = { msgs_per_s: Math.round(s.rateSum / plan.rounds), sent: s.sent, received: s.received, lost: s.lost };
    log(
      `throughput ${name}: ${out[name]!.msgs_per_s} msg/s (mean of ${plan.rounds} rounds; sent ${s.sent}, lost ${s.lost})`,
    );
  }
  return out;
}

/** CONNECT → CONNACK per second per target, rounds pooled. */
export async function connectCase(
  targets: Target[],
  plan: { concurrency: number; maxCount: number; maxMs: number; rounds: number },
  log: Log,
): Promise<Partial<Record<string, ConnectRateResult>>> {
  const state = new Map(
    targets.map((t) => [
      t.name,
      { hist: latencyHistogram(), seconds: 0, failed: 0, last: null as ConnectRateResult | null },
    ]),
  );
  for (let r = 0; r < plan.rounds; r++) {
    for (const t of targets) {
      const st = state.get(t.name)!;
      const res = await connectRate(t.plain, plan, st.hist, st.seconds);
      st.seconds = res.elapsed_s;
      st.failed += res.failed;
      st.last = { ...res, failed: st.failed };
    }
  }
  const out: Partial<Record<string, ConnectRateResult>> = {};
  for (const [name, st] of state) {
    out[name] = st.last!;
    log(`connect ${name}: ${st.last!.per_s}/s (p50 ${st.last!.p50_ms} ms, failed ${st.failed})`);
  }
  return out;
}

/** Full TLS handshakes per second per target (the harness's handshake bench), rounds pooled. */
export async function tlsCase(
  targets: Target[],
  ca: string,
  plan: { concurrency: number; maxHandshakes: number; maxMs: number; rounds: number },
  log: Log,
): Promise<Partial<Record<string, TlsFigures>>> {
  const state = new Map(
    targets.map((t) => [
      t.name,
      {
        completed: 0,
        failed: 0,
        ms: 0,
        latencies: [] as number[],
        negotiated: new Set<string>(),
        errors: {} as Record<string, number>,
      },
    ]),
  );
  for (let r = 0; r < plan.rounds; r++) {
    for (const t of targets) {
      const res = await measureHandshakes({ host: t.tls.host, port: t.tls.port, ca, ...plan });
      const st = state.get(t.name)!;
      st.completed += res.completed;
      st.failed += res.failed;
      st.ms += res.elapsed_ms;
      st.latencies.push(...res.latencies_ms);
      for (const n of res.negotiated) st.negotiated.add(`${n.version} ${n.cipher}`);
      for (const [code, n] of Object.entries(res.errors)) st.errors[code] = (st.errors[code] ?? 0) + n;
    }
  }
  const out: Partial<Record<string, TlsFigures>> = {};
  for (const [name, st] of state) {
    const sorted = st.latencies.sort((a, b) => a - b);
    const f: TlsFigures = {
      handshakes_per_s: round(st.completed / (st.ms / 1000), 1),
      p50_ms: percentile(sorted, 50),
      p99_ms: percentile(sorted, 99),
      completed: st.completed,
      failed: st.failed,
      negotiated: [...st.negotiated],
    };
    out[name] = f;
    log(
      `tls ${name}: ${f.handshakes_per_s}/s (p50 ${f.p50_ms} ms, failed ${st.failed}${st.failed ? ` ${JSON.stringify(st.errors)}` : ''}, ${f.negotiated.join(', ')})`,
    );
  }
  return out;
}
