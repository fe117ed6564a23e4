/**
 * `npm run bench:proxy`: TS-proxy vs HAProxy vs direct, identical bounded loopback loads in one run.
 * Prints progress, a table, and as its last line one JSON object: cpu_ratio, p99_ratio, conn_ratio,
 * tls_ratio, mem_ratio, msgs_ratio (+ targets, pass flags and the raw figures).
 *
 * Knobs (env): BENCH_HAPROXY_THREADS (default 1: one event loop each, like TS-proxy),
 * BENCH_KEY_TYPE (rsa2048 | ec-p256, default rsa2048), BENCH_BROKER_NODELAY (default 1: TCP_NODELAY on the
 * stand-in's sockets like EMQX; 0 = Nagle), BENCH_TS_PROXY_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { measureHandshakes } from '../../harness/tls/handshake-bench.js';
import type { KeyType } from '../../harness/tls/pki.js';
import { connectRate, fixedRate, idleMemory, saturate } from './loads.js';
import { pairedLatency } from './latency.js';
import { CpuMeter, round } from './measure.js';
import { computeRatios, printTable, type Raw } from './report.js';
import { startTopology, type Target, type Topology } from './topology.js';

const PLAN = {
  memory: { count: 2000, concurrency: 50 },
  throughput: { payload: 1024, seconds: 4, warmupS: 1, maxCount: 400_000 },
  cpu1k: { rate: 10_000, count: 50_000, payload: 1024, maxMs: 15_000 },
  cpu64k: { rate: 500, count: 2500, payload: 65_536, maxMs: 15_000 },
  latency: { rate: 2000, count: 8000, payload: 1024 },
  connect: { concurrency: 8, maxCount: 20_000, maxMs: 3000 },
  tls: { concurrency: 4, maxHandshakes: 20_000, maxMs: 3000 },
};

const t0 = performance.now();
const log = (line: string): void => void process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
let topology: Topology | null = null;

async function cpuCase(topo: Topology, plan: typeof PLAN.cpu1k, label: string): Promise<Raw['cpu_1k']> {
  const out: Raw['cpu_1k'] = { rate: plan.rate, count: plan.count, payload: plan.payload, haproxy: null, 'ts-proxy': null };
  for (const t of topo.targets.filter((x) => x.pid !== null)) {
    let meter: CpuMeter | null = null;
    let used: number[] = [];
    const self0 = process.cpuUsage();
    const r = await fixedRate(t.plain, { ...plan, onStart: () => (meter = new CpuMeter([t.pid!, topo.brokerPid])), onEnd: () => (used = meter!.used()) });
    const self = process.cpuUsage(self0);
    const per100k = (s: number): number => round((s * 100_000) / Math.max(1, r.received), 3);
    out[t.name as 'haproxy' | 'ts-proxy'] = {
      balancer_cpu_s: used[0]!, balancer_cpu_s_per_100k: per100k(used[0]!), broker_cpu_s_per_100k: per100k(used[1]!),
      generator_cpu_s_per_100k: per100k((self.user + self.system) / 1e6), received: r.received, lost: r.lost, elapsed_s: r.elapsed_s,
    };
    log(`${label} ${t.name}: ${used[0]} s CPU for ${r.received} msgs → ${per100k(used[0]!)} s/100k (broker ${per100k(used[1]!)} s/100k, lost ${r.lost})`);
  }
  return out;
}

async function run(topo: Topology): Promise<Raw> {
  const balancers = topo.targets.filter((t) => t.pid !== null);
  const raw = { machine: { haproxy_threads: topo.haproxyThreads, key_type: topo.pki.keyType, plan: PLAN } } as Raw;

  log(`memory: ${PLAN.memory.count} idle MQTT connections per balancer (fresh processes) …`);
  raw.memory = { connections: PLAN.memory.count, haproxy: null, 'ts-proxy': null };
  for (const t of balancers) {
    const m = await idleMemory(t.plain, t.pid!, PLAN.memory);
    raw.memory[t.name as 'haproxy' | 'ts-proxy'] = m;
    log(`memory ${t.name}: RSS ${m.rss_before_kib} → ${m.rss_after_kib} KiB = ${m.bytes_per_conn} B per idle connection`);
  }

  log(`throughput: 1 publisher → 1 subscriber, ${PLAN.throughput.payload} B QoS 0, as fast as possible for ${PLAN.throughput.seconds} s …`);
  raw.throughput = { payload: PLAN.throughput.payload, results: {} };
  for (const t of topo.targets) {
    const r = await saturate(t.plain, PLAN.throughput);
    raw.throughput.results[t.name] = r;
    log(`throughput ${t.name}: ${r.msgs_per_s} msg/s (sent ${r.sent}, lost ${r.lost})`);
  }

  log(`cpu: ${PLAN.cpu1k.count} × ${PLAN.cpu1k.payload} B at ${PLAN.cpu1k.rate}/s …`);
  raw.cpu_1k = await cpuCase(topo, PLAN.cpu1k, 'cpu 1KB');
  log(`cpu: ${PLAN.cpu64k.count} × ${PLAN.cpu64k.payload} B at ${PLAN.cpu64k.rate}/s …`);
  raw.cpu_64k = await cpuCase(topo, PLAN.cpu64k, 'cpu 64KB');

  const L = PLAN.latency;
  log(`latency: ${L.payload} B at ${L.rate}/s on each path at once, ${L.count} paired messages per path …`);
  raw.latency = await pairedLatency(topo.targets.map((t) => ({ name: t.name, ep: t.plain })), 'direct', { ...L, maxMs: (L.count / L.rate) * 1000 * 2 });
  for (const t of topo.targets) {
    const rt = raw.latency.round_trip[t.name]!;
    const added = raw.latency.added[t.name];
    log(`latency ${t.name}: round trip p50 ${rt.p50_us} µs, p99 ${rt.p99_us} µs${added ? `; added vs direct p50 ${added.p50_us} µs, p99 ${added.p99_us} µs` : ''} (lost ${raw.latency.lost[t.name]})`);
  }

  log(`connection setup: ${PLAN.connect.concurrency} loops of connect → CONNECT → CONNACK → DISCONNECT for ${PLAN.connect.maxMs} ms …`);
  raw.connect = { concurrency: PLAN.connect.concurrency, results: {} };
  for (const t of topo.targets) {
    const r = await connectRate(t.plain, PLAN.connect);
    raw.connect.results[t.name] = r;
    log(`connect ${t.name}: ${r.per_s}/s (p50 ${r.p50_ms} ms, failed ${r.failed})`);
  }

  log(`TLS: ${PLAN.tls.concurrency} loops of full handshakes (${topo.pki.keyType}, no resumption) for ${PLAN.tls.maxMs} ms …`);
  raw.tls = { concurrency: PLAN.tls.concurrency, results: {} };
  for (const t of topo.targets) {
    const r = await measureHandshakes({ host: t.tls.host, port: t.tls.port, ca: topo.pki.ca, ...PLAN.tls });
    raw.tls.results[t.name] = { handshakes_per_s: r.handshakes_per_s, p50_ms: r.p50_ms, p99_ms: r.p99_ms, completed: r.completed, failed: r.failed, negotiated: r.negotiated.map((n) => `${n.version} ${n.cipher}`) };
    log(`tls ${t.name}: ${r.handshakes_per_s}/s (p50 ${r.p50_ms} ms, failed ${r.failed}${r.failed ? ` ${JSON.stringify(r.errors)}` : ''}, ${r.negotiated.map((n) => n.version).join(',')})`);
  }
  return raw;
}

function onSignal(signal: NodeJS.Signals): void {
  log(`${signal}: stopping every process of the bench …`);
  void (topology?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
}

async function main(): Promise<void> {
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const keyType = (process.env['BENCH_KEY_TYPE'] ?? 'rsa2048') as KeyType;
  if (keyType !== 'rsa2048' && keyType !== 'ec-p256') throw new Error('BENCH_KEY_TYPE must be rsa2048 or ec-p256');
  const haproxyThreads = Number(process.env['BENCH_HAPROXY_THREADS'] ?? 1);
  const brokerNoDelay = process.env['BENCH_BROKER_NODELAY'] !== '0';
  const tsProxyNodeArgs = (process.env['BENCH_TS_PROXY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  topology = await startTopology({ keyType, haproxyThreads, brokerNoDelay, tsProxyNodeArgs, log });
  const targets: Target[] = topology.targets;
  log(`targets: ${targets.map((t) => `${t.name} ${t.plain.host}:${t.plain.port} (tls :${t.tls.port})${t.pid ? ` pid ${t.pid}` : ''}`).join(', ')}`);
  try {
    const raw = await run(topology);
    const ratios = computeRatios(raw);
    printTable(raw, ratios);
    process.stdout.write(`${JSON.stringify({ ...ratios.values, targets: ratios.targets, pass: ratios.pass, raw })}\n`);
  } finally {
    await topology.stop();
    topology = null;
    log('stopped');
  }
}

main().catch((err: unknown) => {
  log(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  void (topology?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
});
