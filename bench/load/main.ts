/**
 * `npm run bench:load`: the load engine vs plain MQTT.js clients, side by side in one run against three stand-in
 * nodes: RSS per idle connection and connects/s (each measured in a fresh client process, alternating rounds),
 * optionally a hold test (--hold N: one engine process ramps to N connections). Progress on stderr, a table, and
 * as the last stdout line one JSON object: mem_ratio, conn_ratio (engine ÷ MQTT.js), targets, pass, raw.
 *
 * Flags: --count N (idle connections measured per process, default 3000; plus --warm, default 1000),
 * --concurrency N (connects in flight, default 50), --rounds N (default 2), --hold N (default 0 = skip),
 * --hold-rate N (connects/s for --hold, default 500), --addresses N (source addresses for --hold, default
 * ceil(N / 1000)); through each balancer (bench/load/through.ts): --through-rounds N (default 2, 0 = skip),
 * --through-count N (default 2000, after 200 warm-up), --hold-through N (default 0 = skip).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../harness/util/project-root.js';
import { addressesFor } from '../../harness/load/addresses.js';
import type { Job } from './client-process.js';
import { startNodes, type BenchNodes } from './nodes.js';
import { startBalancers, type BenchBalancers } from './balancers.js';
import { measureThrough, type ThroughFigures } from './through.js';

const t0 = performance.now();
const log = (line: string): void =>
  void process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
let bench: BenchNodes | null = null;
let balancers: BenchBalancers | null = null;

interface IdleFigures {
  kind: 'engine' | 'mqttjs';
  bytes_per_conn: number;
  connects_per_s: number;
  failed: number;
  [k: string]: unknown;
}

/**
 * Both kinds run with a fixed young generation (16 MB semi-spaces, V8's default maximum): otherwise V8 grows it in
 * steps of several MB at moments that vary between runs, and a step inside the measured batch moves the per-
 * connection figure by ±3 KB (measured: 4.5–8.4 KB for the engine, 14–28 KB for MQTT.js with default flags).
 */
const NODE_FLAGS = ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'];

/** Runs one client process to its RESULT line (bounded: 115 s). */
function runClientProcess(job: Job): Promise<Record<string, unknown>> {
  const script = path.join(projectRoot(), 'dist/bench/load/client-process.js');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...NODE_FLAGS, script, JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 115_000);
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
      if (job.mode === 'hold') process.stderr.write(d);
    });
    p.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as Record<string, unknown>);
      else reject(new Error(`client process exited ${code}: ${err}`));
    });
  });
}

const median = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};
const ratio = (a: number, b: number): number | null =>
  b > 0 && Number.isFinite(a) ? Math.round((a / b) * 1000) / 1000 : null;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '3000' },
      warm: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '2' },
      nodes: { type: 'string', default: '3' },
      hold: { type: 'string', default: '0' },
      'hold-rate': { type: 'string', default: '500' },
      addresses: { type: 'string' },
      'through-rounds': { type: 'string', default: '2' },
      'through-count': { type: 'string', default: '2000' },
      'hold-through': { type: 'string', default: '0' },
    },
  });
  const n = (k: keyof typeof values): number => {
    const v = Number(values[k]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${k} must be a whole number`);
    return v;
  };
  const plan = {
    count: n('count'),
    warm: n('warm'),
    concurrency: Math.max(1, n('concurrency')),
    rounds: n('rounds'),
    nodes: Math.max(1, n('nodes')),
    hold: n('hold'),
    holdRate: Math.max(1, n('hold-rate')),
    throughRounds: n('through-rounds'),
    throughCount: Math.max(1, n('through-count')),
    holdThrough: n('hold-through'),
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  bench = await startNodes(plan.nodes, log);
  const targets = bench.nodes.map((node) => node.mqtt);
  try {
    const idle: IdleFigures[] = [];
    for (let r = 0; r < plan.rounds; r++) {
      const order = r % 2 === 0 ? (['engine', 'mqttjs'] as const) : (['mqttjs', 'engine'] as const);
      for (const kind of order) {
        log(`round ${r + 1}: ${kind}: ${plan.warm} + ${plan.count} idle connections, ${plan.concurrency} in flight …`);
        const f = (await runClientProcess({ mode: 'idle', kind, targets, ...plan })) as unknown as IdleFigures;
        idle.push(f);
        log(
          `round ${r + 1}: ${kind}: ${f.bytes_per_conn} B per idle connection, ${f.connects_per_s} connects/s, ${f.failed} failed`,
        );
      }
    }
    const pick = (kind: string, k: 'bytes_per_conn' | 'connects_per_s'): number =>
      median(idle.filter((f) => f.kind === kind).map((f) => f[k]));
    const engine = {
      bytes_per_conn: pick('engine', 'bytes_per_conn'),
      connects_per_s: pick('engine', 'connects_per_s'),
    };
    const mqttjs = {
      bytes_per_conn: pick('mqttjs', 'bytes_per_conn'),
      connects_per_s: pick('mqttjs', 'connects_per_s'),
    };
    let hold: Record<string, unknown> | null = null;
    if (plan.hold > 0) {
      const addresses = values.addresses ? n('addresses') : addressesFor(plan.hold);
      log(
        `hold: one engine process ramps to ${plan.hold} connections at ${plan.holdRate}/s over ${addresses} source addresses …`,
      );
      hold = await runClientProcess({
        mode: 'hold',
        targets,
        clients: plan.hold,
        connectRate: plan.holdRate,
        sourceAddresses: addresses,
        deadlineMs: 100_000,
      });
      log(`hold: held ${String(hold['held'])} of ${plan.hold}; limits hit: ${JSON.stringify(hold['limits_hit'])}`);
    }
    let through: ThroughFigures | null = null;
    if (plan.throughRounds > 0 || plan.holdThrough > 0) {
      balancers = await startBalancers(targets, log);
      through = await measureThrough(
        targets,
        balancers,
        {
          rounds: plan.throughRounds,
          warm: 200,
          count: plan.throughCount,
          concurrency: plan.concurrency,
          hold: plan.holdThrough,
          holdRate: plan.holdRate,
        },
        runClientProcess,
        log,
      );
    }
    const memRatio = ratio(engine.bytes_per_conn, mqttjs.bytes_per_conn);
    const connRatio = ratio(engine.connects_per_s, mqttjs.connects_per_s);
    const targetsOut = {
      mem_ratio: '≤ 0.5',
      conn_ratio: '≥ 0.9 (both broker-bound on this machine)',
      through_ratio: 'reported (no target: the balancer shares the 2 cores with engine and nodes)',
    };
    const pass = {
      mem_ratio: memRatio !== null && memRatio <= 0.5,
      conn_ratio: connRatio !== null && connRatio >= 0.9,
    };
    process.stdout.write(
      [
        '',
        '| | engine | plain MQTT.js | ratio |',
        '|---|---|---|---|',
        `| RSS per idle connection (B) | ${engine.bytes_per_conn} | ${mqttjs.bytes_per_conn} | ${memRatio} |`,
        `| connects/s (${plan.concurrency} in flight) | ${engine.connects_per_s} | ${mqttjs.connects_per_s} | ${connRatio} |`,
        '',
        ...(through
          ? [
              '| engine connects/s | direct | via HAProxy | via TS-proxy |',
              '|---|---|---|---|',
              `| ${plan.concurrency} in flight | ${through.connects_per_s.direct} | ${through.connects_per_s.haproxy} (${through.through_ratio.haproxy}) | ${through.connects_per_s['ts-proxy']} (${through.through_ratio['ts-proxy']}) |`,
              '',
            ]
          : []),
      ].join('\n') + '\n',
    );
    const raw = { plan, engine, mqttjs, rounds: idle, hold, through };
    const throughRatio = through?.through_ratio ?? null;
    process.stdout.write(
      `${JSON.stringify({ mem_ratio: memRatio, conn_ratio: connRatio, through_ratio: throughRatio, targets: targetsOut, pass, raw })}\n`,
    );
  } finally {
    await balancers?.stop();
    balancers = null;
    await bench.stop();
    bench = null;
    log('stopped');
  }
}

function onSignal(signal: NodeJS.Signals): void {
  log(`${signal}: stopping every process of the bench …`);
  void Promise.all([balancers?.stop(), bench?.stop()]).finally(() => process.exit(130));
}

main().catch((err: unknown) => {
  log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  void Promise.all([balancers?.stop(), bench?.stop()]).finally(() => process.exit(1));
});
