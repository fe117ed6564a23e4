/**
 * `npm run bench:proxy`: TS-proxy vs HAProxy vs direct, identical bounded loopback loads in one run.
 * Prints progress, a table, and as its last line one JSON object: cpu_ratio, p99_ratio, conn_ratio,
 * tls_ratio, mem_ratio, msgs_ratio (+ targets, pass flags and the raw figures).
 *
 * Knobs (env): BENCH_HAPROXY_THREADS (default 1: one event loop each, like TS-proxy),
 * BENCH_KEY_TYPE (rsa2048 | ec-p256, default rsa2048), BENCH_BROKER_NODELAY (default 1: TCP_NODELAY on the
 * stand-in's sockets like EMQX; 0 = Nagle), BENCH_TS_PROXY_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import type { KeyType } from '../../harness/pki/pki.js';
import { connectCase, cpuCase, throughputCase, tlsCase } from './cases.js';
import { idleMemory } from './loads.js';
import { PairedLatency } from './latency.js';
import { computeRatios, printTable, type Raw } from './report.js';
import { startTopology, type Target, type Topology } from './topology.js';

const PLAN = {
  memory: { warm: 1000, count: 3000, concurrency: 50 },
  throughput: { payload: 1024, seconds: 2.5, warmupS: 0.5, maxCount: 250_000, rounds: 3 },
  cpu1k: { rate: 10_000, count: 50_000, payload: 1024, rounds: 2 },
  cpu64k: { rate: 500, count: 2500, payload: 65_536, rounds: 2 },
  latency: { rate: 2000, perRound: 2000, rounds: 4, payload: 1024 },
  connect: { concurrency: 8, maxCount: 10_000, maxMs: 1500, rounds: 2 },
  tls: { concurrency: 4, maxHandshakes: 10_000, maxMs: 1500, rounds: 2 },
};

const t0 = performance.now();
const log = (line: string): void =>
  void process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
let topology: Topology | null = null;

async function run(topo: Topology): Promise<Raw> {
  const balancers = topo.targets.filter((t) => t.pid !== null);
  const raw = { machine: { haproxy_threads: topo.haproxyThreads, key_type: topo.pki.keyType, plan: PLAN } } as Raw;

  log(
    `memory: ${PLAN.memory.warm} + ${PLAN.memory.count} idle MQTT connections per balancer (fresh processes); RSS growth over the second batch …`,
  );
  raw.memory = { warm: PLAN.memory.warm, connections: PLAN.memory.count, haproxy: null, 'ts-proxy': null };
  for (const t of balancers) {
    const m = await idleMemory(t.plain, t.pid!, PLAN.memory);
    raw.memory[t.name as 'haproxy' | 'ts-proxy'] = m;
    log(
      `memory ${t.name}: RSS ${m.rss_start_kib} → ${m.rss_before_kib} (first ${m.warm}: ${m.bytes_per_conn_first} B each) → ${m.rss_after_kib} KiB = ${m.bytes_per_conn} B per idle connection`,
    );
  }

  const T = PLAN.throughput;
  log(
    `throughput: 1 publisher → 1 subscriber, ${T.payload} B QoS 0, as fast as possible, ${T.rounds} alternating rounds of ${T.seconds} s …`,
  );
  raw.throughput = { payload: T.payload, results: await throughputCase(topo.targets, T, log) };

  for (const [key, plan, label] of [
    ['cpu_1k', PLAN.cpu1k, 'cpu 1KB'],
    ['cpu_64k', PLAN.cpu64k, 'cpu 64KB'],
  ] as const) {
    log(
      `${label}: ${plan.count} × ${plan.payload} B at ${plan.rate}/s per balancer, ${plan.rounds} alternating rounds …`,
    );
    const r = await cpuCase(topo, plan, label, log);
    raw[key] = {
      rate: plan.rate,
      count: plan.count,
      payload: plan.payload,
      haproxy: r['haproxy'] ?? null,
      'ts-proxy': r['ts-proxy'] ?? null,
    };
  }

  const L = PLAN.latency;
  log(
    `latency: ${L.payload} B at ${L.rate}/s, paired with direct, ${L.rounds} alternating rounds of ${L.perRound} messages per balancer …`,
  );
  const direct = topo.targets.find((t) => t.name === 'direct')!;
  const paired = new PairedLatency(L);
  for (let r = 0; r < L.rounds; r++) {
    for (const t of balancers)
      await paired.round({ name: t.name, ep: t.plain }, { name: direct.name, ep: direct.plain });
  }
  raw.latency = paired.result();
  for (const t of topo.targets) {
    const rt = raw.latency.round_trip[t.name]!;
    const added = raw.latency.added[t.name];
    log(
      `latency ${t.name}: round trip p50 ${rt.p50_us} µs, p99 ${rt.p99_us} µs${added ? `; added vs direct p50 ${added.p50_us} µs, p99 ${added.p99_us} µs` : ''} (lost ${raw.latency.lost[t.name]})`,
    );
  }

  const C = PLAN.connect;
  log(
    `connection setup: ${C.concurrency} loops of connect → CONNECT → CONNACK → DISCONNECT, ${C.rounds} alternating rounds of ${C.maxMs} ms …`,
  );
  raw.connect = { concurrency: C.concurrency, results: await connectCase(topo.targets, C, log) };

  const S = PLAN.tls;
  log(
    `TLS: ${S.concurrency} loops of full handshakes (${topo.pki.keyType}, no resumption), ${S.rounds} alternating rounds of ${S.maxMs} ms …`,
  );
  raw.tls = { concurrency: S.concurrency, results: await tlsCase(topo.targets, topo.pki.ca, S, log) };
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
  if (!Number.isInteger(haproxyThreads) || haproxyThreads < 1 || haproxyThreads > 64)
    throw new Error('BENCH_HAPROXY_THREADS must be an integer 1-64');
  const brokerNoDelay = process.env['BENCH_BROKER_NODELAY'] !== '0';
  const tsProxyNodeArgs = (process.env['BENCH_TS_PROXY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  topology = await startTopology({ keyType, haproxyThreads, brokerNoDelay, tsProxyNodeArgs, log });
  const targets: Target[] = topology.targets;
  log(
    `targets: ${targets.map((t) => `${t.name} ${t.plain.host}:${t.plain.port} (tls :${t.tls.port})${t.pid ? ` pid ${t.pid}` : ''}`).join(', ')}`,
  );
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
  log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  void (topology?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
});
