/**
 * A load run's result, serialisable and mergeable: counts add, histograms merge exactly (hdr-histogram-js
 * encode/decode + add), ledgers concatenate (harness/load/ledger.ts), so results from many engines (agents) make
 * one result whose histogram counts are the sums of theirs.
 */
import { mergeErrors, type ErrorCounts, type ErrorTally } from './errors.js';
import { PhaseHistograms, type EncodedPhases } from './histograms.js';
import { mergeLedgers, type LedgerData, type LoadLedger } from './ledger.js';
import { limitsHit, type ProcessLimits } from './limits.js';
import type { LoadPlan } from './plan.js';

export type StopReason = 'completed' | 'deadline' | 'errors' | 'stopped';

export interface LoadResult {
  clients: number;
  connectRate: number;
  attempted: number;
  /** Connections that reached ready (CONNACK 0 and every SUBACK granted) at least once. */
  ready: number;
  /** Attempts that never got ready. */
  failed: number;
  reconnects: number;
  /** Re-attempts after a break that failed (and were re-tried by the reconnect policy). */
  failedReconnects: number;
  peakConnected: number;
  /** Connection attempts per second, first to last attempt (the rate the token bucket let through). */
  attemptsPerS: number;
  /** Ready connections (re-connects included) per second, first to last ready (merged: the sum over engines). */
  readyPerS: number;
  rampMs: number;
  durationMs: number;
  stoppedBy: StopReason;
  published: number;
  errors: ErrorCounts;
  limits: ProcessLimits;
  /** Named limits the run ran into (EMFILE → the engine's open-files limit, EADDRNOTAVAIL → source ports). */
  limitsHit: string[];
  histograms: EncodedPhases;
  ledger: LedgerData;
}

const SUMMED = [
  'clients',
  'attempted',
  'ready',
  'failed',
  'reconnects',
  'failedReconnects',
  'peakConnected',
  'published',
] as const;

/** One result from several engines' results (agents run side by side: rates add, durations take the longest). */
export function mergeResults(parts: readonly LoadResult[]): LoadResult {
  if (!parts.length) throw new Error('nothing to merge');
  const first = parts[0]!;
  const out: LoadResult = {
    ...first,
    connectRate: parts.reduce((a, p) => a + p.connectRate, 0),
    attemptsPerS: Math.round(parts.reduce((a, p) => a + p.attemptsPerS, 0) * 10) / 10,
    readyPerS: Math.round(parts.reduce((a, p) => a + p.readyPerS, 0) * 10) / 10,
    rampMs: Math.max(...parts.map((p) => p.rampMs)),
    durationMs: Math.max(...parts.map((p) => p.durationMs)),
    stoppedBy: parts.find((p) => p.stoppedBy !== 'completed')?.stoppedBy ?? 'completed',
    errors: mergeErrors(parts.map((p) => p.errors)),
    limitsHit: [...new Set(parts.flatMap((p) => p.limitsHit))],
    histograms: PhaseHistograms.merge(parts.map((p) => p.histograms)).encode(),
    ledger: mergeLedgers(parts.map((p) => p.ledger)),
  };
  for (const k of SUMMED) out[k] = parts.reduce((a, p) => a + p[k], 0);
  return out;
}

/** performance.now() marks of a run, for its rates. */
export interface RunMarks {
  rampMs: number;
  firstAttemptAt: number;
  lastAttemptAt: number;
  firstReadyAt: number;
  lastReadyAt: number;
}

/** What engineResult() reads of a LoadEngine. */
export interface EngineCounters {
  readonly plan: LoadPlan;
  readonly marks: RunMarks;
  readonly attempted: number;
  readonly everReady: number;
  readonly readies: number;
  readonly failedAttempts: number;
  readonly reconnects: number;
  readonly failedReconnects: number;
  readonly peakConnected: number;
  readonly errors: ErrorTally;
  readonly limits: ProcessLimits;
  readonly histograms: PhaseHistograms;
  readonly ledger: LoadLedger;
  elapsedMs(): number;
}

/** One engine's result. */
export function engineResult(e: EngineCounters, stoppedBy: StopReason, published: number): LoadResult {
  const m = e.marks;
  const span = (m.lastReadyAt - m.firstReadyAt) / 1000;
  const attemptSpan = (m.lastAttemptAt - m.firstAttemptAt) / 1000;
  return {
    clients: e.plan.clients,
    connectRate: e.plan.connectRate,
    attempted: e.attempted,
    ready: e.everReady,
    failed: e.failedAttempts,
    reconnects: e.reconnects,
    failedReconnects: e.failedReconnects,
    peakConnected: e.peakConnected,
    attemptsPerS: attemptSpan > 0 ? Math.round(((e.attempted - 1) / attemptSpan) * 10) / 10 : 0,
    readyPerS: span > 0 ? Math.round(((e.readies - 1) / span) * 10) / 10 : 0,
    rampMs: Math.round(m.rampMs),
    durationMs: Math.round(e.elapsedMs()),
    stoppedBy,
    published,
    errors: {
      counts: { ...e.errors.counts },
      connackCodes: { ...e.errors.connackCodes },
      samples: [...e.errors.samples],
    },
    limits: e.limits,
    limitsHit: limitsHit(e.errors.counts, e.limits),
    histograms: e.histograms.encode(),
    ledger: e.ledger.data(),
  };
}
