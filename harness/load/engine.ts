/**
 * The load engine: opens plan.clients MQTT connections at a controlled rate (token bucket, capped attempts in
 * flight) from a pool of source addresses, subscribes, publishes QoS 0/1 at a fixed rate per publisher, holds,
 * drains and closes everything — bounded by count and deadline, stopping by itself. Emits 'progress' events
 * during long ramps; run() resolves with a mergeable LoadResult (harness/load/result.ts).
 */
import { EventEmitter } from 'node:events';
import { addressFor } from './addresses.js';
import { Connection, type ConnectionOwner, type SessionOptions } from './connection.js';
import { classifyError, ErrorTally, type ErrorClass } from './errors.js';
import { PhaseHistograms } from './histograms.js';
import { LoadLedger } from './ledger.js';
import { processLimits } from './limits.js';
import { stampPayload } from './payload.js';
import { clientIdOf, filtersOf, publishTopicOf, validatePlan, type LoadPlan } from './plan.js';
import { TokenBucket } from './rate.js';
import { engineResult, type LoadResult, type RunMarks, type StopReason } from './result.js';
import { Publisher, type Sender } from './publisher.js';
import { sleep, Waker } from './waker.js';
import { reconnectDelay } from './reconnect.js';

export type LoadPhase = 'ramp' | 'publish' | 'hold' | 'drain' | 'close' | 'done';
/** The points of run() where several engines (load agents) wait for each other. */
export type EngineBarrier = 'ramp' | 'publish';

export interface LoadProgress {
  phase: LoadPhase;
  elapsedMs: number;
  attempted: number;
  connected: number;
  failed: number;
  /** Connections that reached ready per second over the last interval. */
  readyPerS: number;
  published: number;
}

export class LoadEngine extends EventEmitter implements ConnectionOwner<Connection> {
  readonly histograms = new PhaseHistograms();
  readonly ledger = new LoadLedger();
  readonly errors = new ErrorTally();
  readonly phaseTimeoutMs: number;
  readonly session: SessionOptions;
  /** Read at construction: once the open-files limit is reached even /proc/self/limits cannot be opened. */
  readonly limits = processLimits();
  readonly conns: Connection[] = [];
  phase: LoadPhase = 'ramp';
  attempted = 0;
  connecting = 0;
  connected = 0;
  peakConnected = 0;
  /** Connections that got ready at least once; readies also counts every re-connect. */
  everReady = 0;
  readies = 0;
  failedAttempts = 0;
  reconnects = 0;
  /** Re-attempts (after a break) that failed; each is re-tried by the reconnect policy. */
  failedReconnects = 0;
  private live = 0;
  private stopReason: StopReason | null = null;
  private readonly t0 = performance.now();
  /** performance.now() of the first/last attempt and ready, and the ramp's length (for the result's rates). */
  readonly marks: RunMarks = { rampMs: 0, firstAttemptAt: 0, lastAttemptAt: 0, firstReadyAt: 0, lastReadyAt: 0 };
  private lastProgress = { at: 0, ready: 0 };
  private readonly waker = new Waker();
  private progressTimer: NodeJS.Timeout | null = null;
  private publisher: Publisher | null = null;

  constructor(readonly plan: LoadPlan) {
    super();
    validatePlan(plan);
    this.phaseTimeoutMs = plan.phaseTimeoutMs ?? 10_000;
    this.session = {
      keepaliveS: plan.keepaliveS ?? 0,
      clean: plan.cleanSession ?? true,
      ackDeliveries: plan.subscribe?.puback !== 'never',
    };
  }

  /** Ends the run early (the result says 'stopped'); run() still closes everything. */
  stop(reason: StopReason = 'stopped'): void {
    this.stopReason ??= reason;
    this.waker.poke();
  }

  elapsedMs(): number {
    return performance.now() - this.t0;
  }

  /** `barrier`: awaited after the ramp and after publishing, also after an early stop (load agents: every agent's
   *  subscribers are in before anyone publishes, and every agent has published before anyone drains and closes). */
  async run(barrier?: (after: EngineBarrier) => Promise<void>): Promise<LoadResult> {
    const deadline = setTimeout(() => this.stop('deadline'), this.plan.deadlineMs ?? 120_000);
    const pinger = this.plan.keepaliveS ? setInterval(() => this.ping(), (this.plan.keepaliveS * 1000) / 2) : null;
    try {
      await this.ramp();
      await barrier?.('ramp');
      if (this.plan.publish && !this.stopReason) await this.publishPhase();
      await barrier?.('publish');
      if (this.plan.holdMs && !this.stopReason) await this.holdPhase(this.plan.holdMs);
      if (this.plan.publish) await this.drainPhase();
    } finally {
      clearTimeout(deadline);
      if (pinger) clearInterval(pinger);
      this.phase = 'close';
      await this.closeAll();
      this.phase = 'done';
      this.emitProgress();
    }
    return this.result();
  }

  /** The ramp alone (used by run(); callers that hold connections themselves may call it, then closeAll()). */
  async ramp(): Promise<void> {
    const plan = this.plan;
    this.progressTimer ??= setInterval(() => this.emitProgress(), plan.progressEveryMs ?? 1000).unref();
    const bucket = new TokenBucket(plan.connectRate, plan.burst ?? 1);
    const cap = plan.maxConnecting ?? 2000;
    const started = performance.now();
    for (let i = 0; i < plan.clients && !this.stopReason;) {
      if (plan.maxErrors !== undefined && this.failedAttempts >= plan.maxErrors) {
        this.stop('errors');
        break;
      }
      if (this.connecting >= cap) {
        await this.waker.nap(50);
        continue;
      }
      const wait = bucket.take();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      this.openClient(i++);
    }
    while (this.connecting > 0 && !this.stopReason) await this.waker.nap(100);
    this.marks.rampMs = performance.now() - started;
  }

  private openClient(i: number): void {
    const plan = this.plan;
    const filters = filtersOf(plan, i);
    const id = clientIdOf(plan, i);
    const c = new Connection(
      this,
      i,
      id,
      plan.targets[i % plan.targets.length]!,
      plan.sourcePool ? addressFor(plan.sourcePool, (plan.idOffset ?? 0) + i) : undefined,
      filters,
      plan.subscribe?.qos ?? 0,
    );
    if (filters.length) this.ledger.subscriber(id, filters, c.subQos);
    const topic = publishTopicOf(plan, i);
    if (topic !== undefined) this.ledger.stream(`${id}/q${plan.publish!.qos}`, topic, plan.publish!.qos);
    this.conns.push(c);
    this.attempt(c);
  }

  private attempt(c: Connection): void {
    const now = performance.now();
    if (!this.marks.firstAttemptAt) this.marks.firstAttemptAt = now;
    this.marks.lastAttemptAt = now;
    this.attempted++;
    this.connecting++;
    this.live++;
    try {
      c.open();
    } catch (err) {
      // Synchronous failures (EMFILE can surface here) are classified like socket errors.
      this.live--;
      this.onFailed(c, classifyError(err), String(err));
    }
  }

  onReady(c: Connection): void {
    const now = performance.now();
    this.connecting--;
    this.connected++;
    this.readies++;
    if (!c.wasReady) this.everReady++;
    c.wasReady = true;
    c.retries = 0;
    this.peakConnected = Math.max(this.peakConnected, this.connected);
    if (!this.marks.firstReadyAt) this.marks.firstReadyAt = now;
    this.marks.lastReadyAt = now;
    this.waker.poke();
  }

  onFailed(c: Connection, cls: ErrorClass, detail: string, returnCode?: number): void {
    if (returnCode !== undefined) this.errors.connackRefused(returnCode);
    else this.errors.add(cls, cls === 'other' ? detail : undefined);
    if (c.state === 'ready') {
      this.connected--;
      this.scheduleReopen(c);
    } else {
      this.connecting--;
      if (c.wasReady) {
        this.failedReconnects++;
        this.scheduleReopen(c);
      } else this.failedAttempts++;
    }
    this.waker.poke();
  }

  /** The next re-attempt of a connection that was ready once, after the policy's delay. */
  private scheduleReopen(c: Connection): void {
    const r = this.plan.reconnect;
    if (!r || this.stopReason || this.phase === 'close' || this.phase === 'done') return;
    c.retries++;
    setTimeout(() => this.reopen(c), reconnectDelay(r, c.retries));
  }

  private reopen(c: Connection): void {
    if (this.stopReason || this.phase === 'close' || this.phase === 'done') return;
    if (c.state !== 'gone') {
      setTimeout(() => this.reopen(c), 20);
      return;
    }
    this.reconnects++;
    this.attempt(c);
  }

  onGone(c: Connection): void {
    this.live--;
    // Closed by us (stop/closeAll): a failure was already counted by onFailed; closedFrom 'gone' marks that.
    if (c.closedFrom === 'ready') this.connected--;
    else if (c.closedFrom !== null && c.closedFrom !== 'gone' && c.closedFrom !== 'idle') this.connecting--;
    this.waker.poke();
  }

  private async publishPhase(): Promise<void> {
    this.phase = 'publish';
    const p = this.plan.publish!;
    const senders: Sender[] = [];
    for (const conn of this.conns) {
      const topic = publishTopicOf(this.plan, conn.index);
      if (topic !== undefined) senders.push({ conn, topic, stream: `${conn.clientId}/q${p.qos}` });
    }
    this.publisher = new Publisher(p, senders, this.ledger, (stream, seq) => stampPayload(stream, seq, p.payloadBytes));
    await this.publisher.run(() => this.stopReason !== null);
  }

  private async holdPhase(ms: number): Promise<void> {
    this.phase = 'hold';
    const until = performance.now() + ms;
    while (!this.stopReason && performance.now() < until) await this.waker.nap(until - performance.now());
  }

  /** Waits for deliveries to stop arriving (300 ms quiet, QoS 1 acks in) or drainMs. */
  private async drainPhase(): Promise<void> {
    this.phase = 'drain';
    const until = performance.now() + (this.plan.drainMs ?? 2000);
    let last = -1;
    while (performance.now() < until) {
      const seen = this.histograms.count('e2e') + this.histograms.count('puback');
      if (seen === last) break;
      last = seen;
      await sleep(300);
    }
  }

  /** DISCONNECTs every connection and waits (≤ 5 s) for the sockets to go; what lingers is destroyed. */
  async closeAll(): Promise<void> {
    this.phase = 'close';
    for (const c of this.conns) c.close();
    const until = performance.now() + 5000;
    while (this.live > 0 && performance.now() < until) await this.waker.nap(100);
    for (const c of this.conns) if (c.state !== 'gone') c.destroy();
    while (this.live > 0 && performance.now() < until + 2000) await this.waker.nap(50);
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.progressTimer = null;
  }

  private ping(): void {
    for (const c of this.conns) c.ping();
  }

  private emitProgress(): void {
    const now = performance.now();
    const dt = (now - this.lastProgress.at) / 1000 || 1;
    const p: LoadProgress = {
      phase: this.phase,
      elapsedMs: Math.round(now - this.t0),
      attempted: this.attempted,
      connected: this.connected,
      failed: this.failedAttempts,
      readyPerS: Math.round((this.readies - this.lastProgress.ready) / dt),
      published: this.publisher?.published ?? 0,
    };
    this.lastProgress = { at: now, ready: this.readies };
    this.emit('progress', p);
  }

  result(): LoadResult {
    return engineResult(this, this.stopReason ?? 'completed', this.publisher?.published ?? 0);
  }
}
