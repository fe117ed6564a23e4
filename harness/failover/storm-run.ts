/**
 * One reconnect storm with one reconnect policy: the load engine opens the clients through the balancer and holds
 * them, the balancer is killed (SIGKILL: every client's connection reset at once) and started again at once, and
 * the clients come back by the policy; sampled every 250 ms into attempts, refused and pending connects per second,
 * until every client is back or the bound passes. Always closes its clients.
 */
import type { Deployment } from '../types.js';
import { LoadEngine } from '../load/engine.js';
import type { ErrorClass } from '../load/errors.js';
import { addressesFor } from '../load/addresses.js';
import { describePolicy, type ReconnectPolicy } from '../load/reconnect.js';
import type { ProcessLimits } from '../load/limits.js';
import type { StormSettings } from './storm-settings.js';
import { sleep } from '../load/waker.js';

/** Refusals while the balancer is down or full: refused at TCP, or closed by the balancer before CONNACK. */
const REFUSED: readonly ErrorClass[] = ['ECONNREFUSED', 'ECONNRESET', 'closed-before-connack'];

export interface StormSecond {
  /** Seconds since the reset. */
  t: number;
  attempts: number;
  refused: number;
  timeouts: number;
  ready: number;
  /** Connected at the end of the second. */
  connected: number;
  /** Attempts waiting for TCP/CONNACK at the end of the second (queued in a backlog or the balancer's queue). */
  pending: number;
}

export interface StormFigures {
  policy: 'fixed' | 'jittered';
  description: string;
  clients: number;
  /** Clients connected before the reset (all of them unless a limit stopped the ramp). */
  connectedBefore: number;
  /** Reset → the balancer answering again. */
  balancerBackMs: number | null;
  /** Reset → every client ready again; null when not within the bound. */
  recoveredMs: number | null;
  /** Connected at the end (peak after the reset). */
  back: number;
  peakAfterReset: number;
  attempts: number;
  refused: number;
  timeouts: number;
  peakAttemptsPerS: number;
  peakRefusedPerS: number;
  errors: Partial<Record<ErrorClass, number>>;
  perSecond: StormSecond[];
  /** The engine process's limits and its source-address pool (for naming engine-side limits). */
  engine: { limits: ProcessLimits; sourceAddresses: number };
}

interface Counters {
  at: number;
  attempted: number;
  refused: number;
  timeouts: number;
  readies: number;
  connected: number;
  pending: number;
}

function countersOf(e: LoadEngine): Counters {
  const c = e.errors.counts;
  return {
    at: performance.now(),
    attempted: e.attempted,
    refused: REFUSED.reduce((a, k) => a + (c[k] ?? 0), 0),
    timeouts: c.timeout ?? 0,
    readies: e.readies,
    connected: e.connected,
    pending: e.connecting,
  };
}

/** Per-second buckets of the samples after `base` (the reset). */
export function perSecond(samples: readonly Counters[], base: Counters): StormSecond[] {
  const out: StormSecond[] = [];
  let prev = base;
  for (const s of samples) {
    const t = Math.floor((s.at - base.at) / 1000);
    let row = out.at(-1);
    if (!row || row.t !== t) {
      row = { t, attempts: 0, refused: 0, timeouts: 0, ready: 0, connected: 0, pending: 0 };
      out.push(row);
    }
    row.attempts += s.attempted - prev.attempted;
    row.refused += s.refused - prev.refused;
    row.timeouts += s.timeouts - prev.timeouts;
    row.ready += s.readies - prev.readies;
    row.connected = s.connected;
    row.pending = s.pending;
    prev = s;
  }
  return out;
}

export interface StormRunSpec {
  deployment: Deployment;
  settings: StormSettings;
  policy: 'fixed' | 'jittered';
  idPrefix: string;
  /** First source address of the pool (harness/load/addresses.ts); distinct per policy. */
  sourceOffset: number;
  /** Progress for the scenario's stage log. */
  say(msg: string): void;
}

export function policyOf(s: StormSettings, policy: 'fixed' | 'jittered'): ReconnectPolicy {
  return policy === 'fixed'
    ? { delayMs: s.fixedPeriodMs }
    : { delayMs: s.backoffBaseMs, backoff: { maxMs: s.backoffMaxMs } };
}

export async function runStorm(spec: StormRunSpec): Promise<StormFigures> {
  const { deployment: d, settings: st } = spec;
  const reconnect = policyOf(st, spec.policy);
  const sourceAddresses = addressesFor(st.clients, 1000);
  const rampBoundMs = (st.clients / st.connectRate) * 1000 * 3 + st.connectTimeoutMs + 5000;
  const engine = new LoadEngine({
    targets: [d.endpoints.mqtt],
    clients: st.clients,
    connectRate: st.connectRate,
    burst: Math.max(1, Math.ceil(st.connectRate / 20)),
    clientIdPrefix: spec.idPrefix,
    sourcePool: { offset: spec.sourceOffset, size: sourceAddresses },
    phaseTimeoutMs: st.connectTimeoutMs,
    reconnect,
    // the engine's own bound: ramp + the storm's bound + closing; the scenario stops it earlier
    deadlineMs: rampBoundMs + st.recoverMs + 30_000,
  });
  const figures: StormFigures = {
    policy: spec.policy,
    description: describePolicy(reconnect),
    clients: st.clients,
    connectedBefore: 0,
    balancerBackMs: null,
    recoveredMs: null,
    back: 0,
    peakAfterReset: 0,
    attempts: 0,
    refused: 0,
    timeouts: 0,
    peakAttemptsPerS: 0,
    peakRefusedPerS: 0,
    errors: {},
    perSecond: [],
    engine: { limits: engine.limits, sourceAddresses },
  };
  const ramp = new AbortController();
  const rampTimer = setTimeout(() => ramp.abort(), rampBoundMs);
  try {
    spec.say(`storm (${spec.policy}): opening ${st.clients} clients at ${st.connectRate}/s`);
    await Promise.race([engine.ramp(), new Promise((r) => ramp.signal.addEventListener('abort', r))]);
    figures.connectedBefore = engine.connected;
    if (engine.connected < st.clients) {
      figures.errors = { ...engine.errors.counts };
      return figures;
    }
    const errorsBefore = { ...engine.errors.counts };
    const base = countersOf(engine);
    const samples: Counters[] = [];
    const sampler = setInterval(() => samples.push(countersOf(engine)), 250);
    try {
      spec.say(`storm (${spec.policy}): killing and restarting the balancer under ${st.clients} clients`);
      await d.balancerFault!('kill');
      await d.balancerFault!('restart');
      figures.balancerBackMs = Math.round(performance.now() - base.at);
      const until = base.at + st.recoverMs;
      spec.say(`storm (${spec.policy}): waiting for ${st.clients} clients to be back (≤ ${st.recoverMs} ms)`);
      while (engine.connected < st.clients && performance.now() < until) {
        figures.peakAfterReset = Math.max(figures.peakAfterReset, engine.connected);
        await sleep(25);
      }
      if (engine.connected >= st.clients) figures.recoveredMs = Math.round(performance.now() - base.at);
      samples.push(countersOf(engine));
    } finally {
      clearInterval(sampler);
    }
    const end = samples.at(-1)!;
    figures.back = end.connected;
    figures.peakAfterReset = Math.max(figures.peakAfterReset, end.connected);
    figures.attempts = end.attempted - base.attempted;
    figures.refused = end.refused - base.refused;
    figures.timeouts = end.timeouts - base.timeouts;
    figures.perSecond = perSecond(samples, base);
    figures.peakAttemptsPerS = Math.max(0, ...figures.perSecond.map((r) => r.attempts));
    figures.peakRefusedPerS = Math.max(0, ...figures.perSecond.map((r) => r.refused));
    for (const [k, v] of Object.entries(engine.errors.counts)) {
      const n = v - (errorsBefore[k as ErrorClass] ?? 0);
      if (n > 0) figures.errors[k as ErrorClass] = n;
    }
    return figures;
  } finally {
    clearTimeout(rampTimer);
    engine.stop();
    await engine.closeAll();
  }
}
