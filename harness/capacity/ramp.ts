/**
 * The connections ramp: adds `step` connections at a time through the balancer with the load engine (one job per
 * step on the runner — in this process or spread over load agents — every connection held), and records per step
 * the concurrent connections still held, the step's failures by class and its connect latency percentiles — until
 * refusals, the error ratio, the target or the time budget. Everything is closed at the end, whatever happened.
 */
import { PhaseHistograms } from '../load/histograms.js';
import type { LoadRunner } from '../agents/runner.js';
import { LoadTally, type LoadSpread } from '../agents/tally.js';
import { burstFor } from './burst.js';
import type { Target } from '../load/connection.js';
import type { ErrorClass } from '../load/errors.js';
import type { ProcessLimits } from '../load/limits.js';

export interface RampStep {
  step: number;
  /** Connections attempted so far (all steps). */
  attempted: number;
  /** Concurrent connections held after this step (every step's engine). */
  connected: number;
  /** Attempts of this step that never got ready. */
  failed: number;
  /** Connections of earlier steps lost during this step. */
  dropped: number;
  errors: Partial<Record<ErrorClass, number>>;
  connectRate: number;
  /** Attempts per second the engine achieved in this step. */
  attemptsPerS: number;
  readyPerS: number;
  connack_p50_ms: number | null;
  connack_p99_ms: number | null;
  tcp_p99_ms: number | null;
  /** Seconds since the ramp started, at the end of this step. */
  at_s: number;
}

export interface RampOptions {
  /** Runs each step's clients (InProcessRunner: this process; AgentRunner: the load agents). */
  runner: LoadRunner;
  target: Target;
  total: number;
  step: number;
  connectRate: number;
  errorRatio: number;
  phaseTimeoutMs: number;
  budgetMs: number;
  clientIdPrefix: string;
  /** Source pool: `sourceAddresses` addresses from pool index `sourceOffset`. */
  sourceOffset: number;
  sourceAddresses: number;
  /** Called after each step (progress lines, samples). */
  onStep?: (s: RampStep) => void;
}

export type RampEnd = 'target' | 'refused' | 'errors' | 'budget';

export interface RampResult {
  steps: RampStep[];
  end: RampEnd;
  errors: Partial<Record<ErrorClass, number>>;
  engineLimits: ProcessLimits | null;
  limitsHit: string[];
  /** Where the clients ran, with per-agent and merged counts. */
  load?: LoadSpread;
}

const ms = (us: number | undefined): number | null => (us === undefined ? null : Math.round(us / 100) / 10);

function addCounts(into: Partial<Record<ErrorClass, number>>, from: Partial<Record<ErrorClass, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k as ErrorClass] = (into[k as ErrorClass] ?? 0) + (v ?? 0);
}

/** Ramps connections in steps; resolves once every connection is closed. */
export async function rampConnections(o: RampOptions): Promise<RampResult> {
  const steps: RampStep[] = [];
  const errors: Partial<Record<ErrorClass, number>> = {};
  const limitsHit = new Set<string>();
  const tally = new LoadTally(o.runner);
  const t0 = performance.now();
  const until = t0 + o.budgetMs;
  let end: RampEnd = 'target';
  let attempted = 0;
  try {
    for (let k = 0; attempted < o.total; k++) {
      const left = until - performance.now();
      if (left < o.phaseTimeoutMs) {
        end = 'budget';
        break;
      }
      const n = Math.min(o.step, o.total - attempted);
      const before = steps.at(-1)?.connected ?? 0;
      // The step is stopped at the budget (ramp() has no deadline of its own; each attempt is bounded by the phase timeout).
      const out = await o.runner.ramp(
        {
          targets: [o.target],
          clients: n,
          connectRate: o.connectRate,
          burst: burstFor(o.connectRate),
          clientIdPrefix: o.clientIdPrefix,
          idOffset: attempted,
          sourcePool: { offset: o.sourceOffset, size: o.sourceAddresses },
          phaseTimeoutMs: o.phaseTimeoutMs,
          deadlineMs: left,
        },
        left,
      );
      tally.add(out);
      attempted += n;
      const r = out.result;
      const summary = PhaseHistograms.decode(r.histograms).summary();
      const s: RampStep = {
        step: k + 1,
        attempted,
        connected: out.held,
        failed: r.failed,
        dropped: Math.max(0, before - out.heldBefore),
        errors: r.errors.counts,
        connectRate: o.connectRate,
        attemptsPerS: r.attemptsPerS,
        readyPerS: r.readyPerS,
        connack_p50_ms: ms(summary.connack?.p50_us),
        connack_p99_ms: ms(summary.connack?.p99_us),
        tcp_p99_ms: ms(summary.tcp?.p99_us),
        at_s: Math.round((performance.now() - t0) / 100) / 10,
      };
      steps.push(s);
      addCounts(errors, r.errors.counts);
      for (const l of r.limitsHit) limitsHit.add(l);
      o.onStep?.(s);
      if (r.stoppedBy === 'deadline') {
        end = 'budget';
        break;
      }
      if (r.errors.counts.ECONNREFUSED) {
        end = 'refused';
        break;
      }
      if (s.failed + s.dropped > o.errorRatio * n) {
        end = 'errors';
        break;
      }
    }
  } finally {
    await o.runner.closeAll();
  }
  return {
    steps,
    end,
    errors,
    engineLimits: o.runner.limits()[0] ?? null,
    limitsHit: [...limitsHit],
    load: tally.spread(),
  };
}
