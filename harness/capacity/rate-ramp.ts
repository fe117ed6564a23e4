/**
 * The connect-rate ramp: at each asked rate, opens rate × seconds connections (capped below the concurrency knee so
 * this ramp measures the rate, not the connection limit), records the rate attempted and the rate that got ready,
 * failures and connect latency, closes them, and goes on to the next rate — until failures, saturation (ready
 * rate below 80 % of the asked one), the last rate or the time budget.
 */
import { PhaseHistograms } from '../load/histograms.js';
import type { LoadRunner } from '../agents/runner.js';
import { LoadTally, type LoadSpread } from '../agents/tally.js';
import { burstFor } from './burst.js';
import type { Target } from '../load/connection.js';
import type { ErrorClass } from '../load/errors.js';

export interface RateStep {
  rate: number;
  clients: number;
  attemptsPerS: number;
  readyPerS: number;
  failed: number;
  errors: Partial<Record<ErrorClass, number>>;
  connack_p50_ms: number | null;
  connack_p99_ms: number | null;
  tcp_p99_ms: number | null;
}

export type RateEnd = 'last-rate' | 'errors' | 'saturated' | 'budget';

export interface RateRampOptions {
  /** Runs each step's clients (this process or the load agents). */
  runner: LoadRunner;
  target: Target;
  rates: readonly number[];
  stepSeconds: number;
  /** Connections per step at most (below the concurrency knee). */
  maxClients: number;
  errorRatio: number;
  phaseTimeoutMs: number;
  budgetMs: number;
  clientIdPrefix: string;
  /** Each step binds its own addresses: `sourceAddresses` from `sourceOffset + step × sourceAddresses`. */
  sourceOffset: number;
  sourceAddresses: number;
  onStep?: (s: RateStep) => void;
}

/** Ready rate below this share of the asked rate: the rate knee. */
export const SATURATED = 0.8;

const ms = (us: number | undefined): number | null => (us === undefined ? null : Math.round(us / 100) / 10);

export async function rampConnectRate(
  o: RateRampOptions,
): Promise<{ steps: RateStep[]; end: RateEnd; load: LoadSpread }> {
  const steps: RateStep[] = [];
  const tally = new LoadTally(o.runner);
  const until = performance.now() + o.budgetMs;
  let end: RateEnd = 'last-rate';
  for (const [k, rate] of o.rates.entries()) {
    const clients = Math.max(10, Math.min(o.maxClients, Math.round(rate * o.stepSeconds)));
    const left = until - performance.now();
    if (left < clients / rate + o.phaseTimeoutMs + 8000) {
      end = 'budget';
      break;
    }
    let out;
    try {
      out = await o.runner.ramp(
        {
          targets: [o.target],
          clients,
          connectRate: rate,
          burst: burstFor(rate),
          clientIdPrefix: `${o.clientIdPrefix}r${rate}-`,
          sourcePool: { offset: o.sourceOffset + k * o.sourceAddresses, size: o.sourceAddresses },
          phaseTimeoutMs: o.phaseTimeoutMs,
          deadlineMs: left,
        },
        left,
      );
    } finally {
      await o.runner.closeAll();
    }
    tally.add(out);
    const r = out.result;
    const summary = PhaseHistograms.decode(r.histograms).summary();
    const s: RateStep = {
      rate,
      clients,
      attemptsPerS: r.attemptsPerS,
      readyPerS: r.readyPerS,
      failed: r.failed,
      errors: r.errors.counts,
      connack_p50_ms: ms(summary.connack?.p50_us),
      connack_p99_ms: ms(summary.connack?.p99_us),
      tcp_p99_ms: ms(summary.tcp?.p99_us),
    };
    steps.push(s);
    o.onStep?.(s);
    if (r.stoppedBy === 'deadline') {
      end = 'budget';
      break;
    }
    if (s.failed > o.errorRatio * clients) {
      end = 'errors';
      break;
    }
    if (s.readyPerS < SATURATED * rate) {
      end = 'saturated';
      break;
    }
  }
  return { steps, end, load: tally.spread() };
}
