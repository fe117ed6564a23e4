/**
 * Waiting on conditions with deadlines (never fixed sleeps in tests).
 */
import pRetry, { AbortError } from 'p-retry';
export class TimeoutError extends Error {
  constructor(what: string, ms: number, last?: unknown) {
    super(`timed out after ${ms} ms waiting for ${what}${last === undefined ? '' : `; last: ${describe(last)}`}`);
    this.name = 'TimeoutError';
  }
}

function describe(v: unknown): string {
  if (v instanceof Error) return v.message;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  what: string;
}

class NotYet extends Error {
  constructor(readonly last: unknown) {
    super('condition not met yet');
  }
}

/**
 * Polls `probe` (with p-retry: constant interval, bounded by `timeoutMs`) until it returns a value that
 * is not `undefined`/`false`, or throws TimeoutError. A throwing probe counts as "not yet" (its last
 * error is reported on timeout); a probe still pending at the deadline ends the wait too.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitOptions,
): Promise<T> {
  const interval = opts.intervalMs ?? 50;
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  const attempt = async (): Promise<T> => {
    try {
      // A probe that never settles (an ack that never comes) must not outlive the wait: it is raced against the
      // time left, so the wait ends by its own deadline and reports the stuck check as its last state.
      const left = Math.max(deadline - Date.now(), interval);
      const v = await withTimeout(Promise.resolve(probe()), left, `one check of ${opts.what} to settle`);
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) throw new AbortError(new TimeoutError(opts.what, opts.timeoutMs, last));
    throw new NotYet(last);
  };
  try {
    return await pRetry(attempt, {
      retries: Number.POSITIVE_INFINITY,
      factor: 1,
      minTimeout: interval,
      maxTimeout: interval,
      randomize: false,
    });
  } catch (err) {
    throw err instanceof NotYet ? new TimeoutError(opts.what, opts.timeoutMs, err.last) : err;
  }
}

/** Rejects with TimeoutError when `p` does not settle within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
