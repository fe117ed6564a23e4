/**
 * One bench:load client process (a fresh Node process per measurement, so its RSS is the clients' alone):
 * `idle` opens warm + count idle MQTT connections with the load engine or with plain MQTT.js clients, and reports
 * the RSS growth over the second batch per connection and its connects/s; `hold` ramps the engine to N
 * connections at a set rate and reports what it held. Prints one JSON line, closes everything, exits.
 *
 *   node --expose-gc dist/bench/load/client-process.js '<json Job>'
 */
import type { MqttClient } from 'mqtt';
import { LoadEngine } from '../../harness/load/engine.js';
import { PhaseHistograms } from '../../harness/load/histograms.js';
import type { LoadPlan } from '../../harness/load/plan.js';
import type { Target } from '../../harness/load/connection.js';

export interface IdleJob {
  mode: 'idle';
  kind: 'engine' | 'mqttjs';
  targets: Target[];
  warm: number;
  count: number;
  /** Connection attempts in flight at once (both kinds). */
  concurrency: number;
}

export interface HoldJob {
  mode: 'hold';
  targets: Target[];
  clients: number;
  connectRate: number;
  sourceAddresses: number;
  deadlineMs: number;
}

export type Job = IdleJob | HoldJob;

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));
const gc = (globalThis as { gc?: () => void }).gc;

const heaps: number[] = [];

/** RSS after two full GCs; the JS heap in use at that moment is kept for the report. */
function rss(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();

  heaps.push(m.heapUsed);
  return m.rss;
}

function enginePlan(job: IdleJob, clients: number, idOffset: number): LoadPlan {
  return {
    targets: job.targets,
    clients,
    connectRate: 1_000_000,
    burst: job.concurrency,
    maxConnecting: job.concurrency,
    clientIdPrefix: `be${process.pid}-`,
    idOffset,
    sourcePool: { offset: 0, size: 64 },
    deadlineMs: 110_000,
  };
}

/** MQTT.js is imported only by the processes that measure it (its modules would count against the engine). */
async function mqttjsBatch(job: IdleJob, from: number, n: number, keep: MqttClient[]): Promise<void> {
  const { default: mqtt } = await import('mqtt');
  let next = 0;
  const one = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const t = job.targets[i % job.targets.length]!;
      const c = mqtt.connect(`mqtt://${t.host}:${t.port}`, {
        clientId: `bm${process.pid}-${i}`,
        keepalive: 0,
        reconnectPeriod: 0,
        protocolVersion: 4,
        connectTimeout: 10_000,
      });
      keep.push(c);
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
  const worker = async (): Promise<void> => {
    while (next < n) await one(from + next++);
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
}

async function idle(job: IdleJob): Promise<object> {
  const base = rss();
  if (job.kind === 'engine') {
    const warm = new LoadEngine(enginePlan(job, job.warm, 0));
    await warm.ramp();
    await settle();
    const before = rss();
    const main = new LoadEngine(enginePlan(job, job.count, job.warm));
    const t0 = performance.now();
    await main.ramp();
    const ms = performance.now() - t0;
    await settle();
    const after = rss();
    const failed = warm.failedAttempts + main.failedAttempts;
    await Promise.all([warm.closeAll(), main.closeAll()]);
    return report(job, base, before, after, ms, failed, { ...warm.errors.counts, ...main.errors.counts });
  }
  const keep: MqttClient[] = [];
  await mqttjsBatch(job, 0, job.warm, keep);
  await settle();
  const before = rss();
  const t0 = performance.now();
  await mqttjsBatch(job, job.warm, job.count, keep);
  const ms = performance.now() - t0;
  await settle();
  const after = rss();
  await Promise.all(keep.map((c) => c.endAsync(true)));
  return report(job, base, before, after, ms, 0, {});
}

function report(job: IdleJob, base: number, before: number, after: number, ms: number, failed: number, errors: object) {
  return {
    kind: job.kind,
    warm: job.warm,
    count: job.count,
    concurrency: job.concurrency,
    rss_base_kib: base >> 10,
    rss_before_kib: before >> 10,
    rss_after_kib: after >> 10,
    bytes_per_conn: Math.round((after - before) / job.count),
    heap_bytes_per_conn: Math.round((heaps[2]! - heaps[1]!) / job.count),
    connects_per_s: Math.round((job.count / ms) * 1000),
    failed,
    errors,
  };
}

async function hold(job: HoldJob): Promise<object> {
  const engine = new LoadEngine({
    targets: job.targets,
    clients: job.clients,
    connectRate: job.connectRate,
    burst: 10,
    maxConnecting: 2000,
    clientIdPrefix: `bh${process.pid}-`,
    sourcePool: { offset: 1000, size: job.sourceAddresses },
    phaseTimeoutMs: 30_000,
    deadlineMs: job.deadlineMs,
    progressEveryMs: 5000,
  });
  engine.on('progress', (p: object) => process.stderr.write(`hold progress ${JSON.stringify(p)}\n`));
  await engine.ramp();
  const held = engine.connected;
  let rssKib: number | null = null;
  try {
    rssKib = rss() >> 10;
  } catch {
    // EMFILE: at the open-files limit even /proc/self/stat cannot be opened (the result names the limit).
  }
  await engine.closeAll();
  const r = engine.result();
  return {
    clients: job.clients,
    connect_rate: job.connectRate,
    held,
    attempts_per_s: r.attemptsPerS,
    ready_per_s: r.readyPerS,
    ramp_ms: r.rampMs,
    failed: r.failed,
    errors: r.errors.counts,
    limits_hit: r.limitsHit,
    rss_kib: rssKib,
    connack: PhaseHistograms.decode(r.histograms).summary().connack ?? null,
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const out = job.mode === 'hold' ? await hold(job) : await idle(job);
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`client process failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
