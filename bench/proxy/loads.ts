/**
 * The bench loads, each bounded in count and in time, against one endpoint (a balancer's frontend or
 * the node itself): fixed-rate publish → receive, saturation, connection setup, idle connections.
 */
import { delay, waitFor } from '../../harness/util/wait.js';
import { MqttConn, nextClientId, openMany, type Endpoint } from './clients.js';
import { latencyHistogram, round, rssKiB, summarize } from './measure.js';
import { publishTemplate } from './mqtt-wire.js';

/** A publisher and a subscriber on one topic, both through `ep`. */
export async function pubSubPair(ep: Endpoint, tag: string): Promise<{ pub: MqttConn; sub: MqttConn; topic: string }> {
  const topic = `bench/${tag}/${nextClientId('t')}`;
  const sub = await MqttConn.open(ep, nextClientId(`${tag}-sub`));
  await sub.subscribe(topic);
  const pub = await MqttConn.open(ep, nextClientId(`${tag}-pub`)).catch((err: unknown) => {
    sub.close();
    throw err;
  });
  return { pub, sub, topic };
}

/** Waits (bounded) until the subscriber has what was sent; returns how many never arrived. */
export async function awaitDelivery(received: () => number, sent: number, timeoutMs: number): Promise<number> {
  await waitFor(() => received() >= sent, {
    timeoutMs,
    intervalMs: 20,
    what: `${sent} messages at the subscriber`,
  }).catch(() => undefined); // the shortfall is the result, returned below
  return sent - received();
}

export interface FixedRateOptions {
  rate: number;
  count: number;
  maxMs: number;
  payload: number;
  /** Called just before the first publish and right after the last message arrived (CPU window). */
  onStart?: () => void;
  onEnd?: () => void;
}

export interface FixedRateResult {
  sent: number;
  received: number;
  lost: number;
  elapsed_s: number;
}

/** Publishes `count` messages at `rate`/s (1 ms pacing ticks, one write per message) and waits for them. */
export async function fixedRate(ep: Endpoint, o: FixedRateOptions): Promise<FixedRateResult> {
  const { pub, sub, topic } = await pubSubPair(ep, 'rate');
  const packet = publishTemplate(topic, o.payload).packet;
  let received = 0;
  sub.onPublish = () => void received++;
  const t0 = performance.now();
  const deadline = t0 + o.maxMs;
  let sent = 0;
  try {
    o.onStart?.();
    await new Promise<void>((resolve) => {
      function tick(): void {
        const now = performance.now();
        const due = Math.min(o.count, Math.floor(((now - t0) / 1000) * o.rate));
        for (; sent < due; sent++) pub.write(packet);
        if (sent < o.count && now < deadline) setTimeout(tick, 1);
        else resolve();
      }
      tick();
    });
    const lost = await awaitDelivery(() => received, sent, 10_000);
    o.onEnd?.();
    return { sent, received, lost, elapsed_s: round((performance.now() - t0) / 1000, 2) };
  } finally {
    pub.close();
    sub.close();
  }
}

export interface SaturationResult {
  msgs_per_s: number;
  sent: number;
  received: number;
  lost: number;
}

/**
 * Publishes as fast as the publisher socket takes it (backpressure respected) for `seconds`, at most
 * `maxCount` messages; rate = messages received between `warmupS` and the end of sending.
 */
export async function saturate(
  ep: Endpoint,
  o: { payload: number; seconds: number; warmupS: number; maxCount: number },
): Promise<SaturationResult> {
  const { pub, sub, topic } = await pubSubPair(ep, 'sat');
  const packet = publishTemplate(topic, o.payload).packet;
  let received = 0;
  sub.onPublish = () => void received++;
  let sent = 0;
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  let atWarm: { t: number; n: number } | null = null;
  let atEnd = { t: t0, n: 0 };
  try {
    while (sent < o.maxCount) {
      const now = performance.now();
      if (!atWarm && now >= t0 + o.warmupS * 1000) atWarm = { t: now, n: received };
      if (now >= end) break;
      let ok = true;
      for (let i = 0; i < 64 && ok && sent < o.maxCount; i++, sent++) ok = pub.write(packet);
      if (!ok) await pub.drained(10_000);
      else await new Promise<void>((r) => setImmediate(r));
    }
    atEnd = { t: performance.now(), n: received };
    const lost = await awaitDelivery(() => received, sent, 15_000);
    const from = atWarm ?? { t: t0, n: 0 };
    const rate = (atEnd.n - from.n) / ((atEnd.t - from.t) / 1000);
    return { msgs_per_s: Math.round(rate), sent, received, lost };
  } finally {
    pub.close();
    sub.close();
  }
}

export interface ConnectRateResult {
  per_s: number;
  completed: number;
  failed: number;
  p50_ms: number;
  p99_ms: number;
  elapsed_s: number;
}

/**
 * `concurrency` loops of TCP connect → CONNECT → CONNACK → DISCONNECT, bounded by count and time. Setup
 * times go to `hist` (pass one to pool rounds); the result's figures cover everything in it.
 */
export async function connectRate(
  ep: Endpoint,
  o: { concurrency: number; maxCount: number; maxMs: number },
  hist = latencyHistogram(),
  pooledSeconds = 0,
): Promise<ConnectRateResult> {
  let started = 0;
  let failed = 0;
  const t0 = performance.now();
  const deadline = t0 + o.maxMs;
  async function worker(): Promise<void> {
    while (started < o.maxCount && performance.now() < deadline) {
      started++;
      const t = performance.now();
      try {
        const c = await MqttConn.open(ep, nextClientId('conn'), 5000);
        hist.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
        c.close();
      } catch {
        failed++;
      }
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const elapsed = pooledSeconds + (performance.now() - t0) / 1000;
  const s = summarize(hist);
  return {
    per_s: Math.round(s.count / elapsed),
    completed: s.count,
    failed,
    p50_ms: round(s.p50_us / 1000),
    p99_ms: round(s.p99_us / 1000),
    elapsed_s: round(elapsed, 2),
  };
}

export interface IdleMemoryResult {
  warm: number;
  connections: number;
  rss_start_kib: number;
  rss_before_kib: number;
  rss_after_kib: number;
  /** RSS growth per connection over the first batch (includes one-off growth: heap spaces, pools). */
  bytes_per_conn_first: number;
  /** RSS growth per connection over the second batch: the marginal cost of one more idle connection. */
  bytes_per_conn: number;
}

/** RSS of the process once its RSS stops moving (two samples 300 ms apart within 0.5 %, at most 5 s). */
async function settledRss(pid: number): Promise<number> {
  let last = rssKiB(pid);
  return waitFor(
    async () => {
      await delay(300);
      const now = rssKiB(pid);
      const stable = Math.abs(now - last) <= last * 0.005;
      last = now;
      return stable ? now : undefined;
    },
    { timeoutMs: 5000, intervalMs: 1, what: `RSS of ${pid} to settle` },
  ).catch(() => last); // still moving after 5 s: the last reading is the measurement
}

/**
 * RSS growth of process `pid` per idle MQTT connection through `ep`: a first batch of `warm` connections
 * takes the one-off growth (a Node heap's young generation grows to its working size in the first burst;
 * HAProxy's pools fill), then the growth over `count` more is the marginal cost per connection.
 */
export async function idleMemory(
  ep: Endpoint,
  pid: number,
  o: { warm: number; count: number; concurrency: number },
): Promise<IdleMemoryResult> {
  const probe = await openMany(ep, 20, 10, 'probe');
  for (const c of probe) c.close();
  await delay(500);
  const start = await settledRss(pid);
  const conns: MqttConn[] = [];
  try {
    conns.push(...(await openMany(ep, o.warm, o.concurrency, 'idle')));
    const before = await settledRss(pid);
    conns.push(...(await openMany(ep, o.count, o.concurrency, 'idle')));
    const after = await settledRss(pid);
    return {
      warm: o.warm,
      connections: o.count,
      rss_start_kib: start,
      rss_before_kib: before,
      rss_after_kib: after,
      bytes_per_conn_first: Math.round(((before - start) * 1024) / o.warm),
      bytes_per_conn: Math.round(((after - before) * 1024) / o.count),
    };
  } finally {
    for (const c of conns) c.close();
    await waitFor(() => conns.every((c) => c.socket.destroyed), {
      timeoutMs: 10_000,
      what: 'idle connections to close',
    }).catch(() => undefined); // the topology's stop kills what is left
  }
}
