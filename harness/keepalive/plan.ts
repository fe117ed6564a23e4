/**
 * How the dynamic keepalive check runs within a bounded time: which keepalive its clients use and how
 * long they idle. They idle for longer than the effective idle timeout or 1.5 × keepalive, whichever
 * is larger — unless that exceeds the bound (`max_idle_wait_s`), in which case they idle for
 * 1.5 × keepalive only and the plan says so (the static check still covers the long timeout).
 */

export interface IdlePlanInput {
  /** The profile's `clients.keepalive_s`. */
  profileKeepaliveS: number;
  /** `thresholds.keepalive.keepalive_s`: the keepalive the dynamic check uses, if the profile pins it. */
  suiteKeepaliveS?: number;
  /** Effective idle timeout of the balancer, ms (undefined = none). */
  effectiveMs?: number;
  /** Longest idle wait allowed, ms. */
  maxWaitMs: number;
}

export interface IdlePlan {
  keepaliveS: number;
  /** How long the clients stay idle, ms (target plus a margin). */
  idleMs: number;
  /** What the idle time must exceed: max(effective timeout, 1.5 × keepalive), or 1.5 × keepalive when bounded. */
  targetMs: number;
  /** The effective timeout was longer than the bound: not waited for. */
  bounded: boolean;
  notes: string[];
}

/** Keepalive of the dynamic check when neither the profile's fits the bound nor the suite's is set. */
export const SMALL_KEEPALIVE_S = 10;

export function planIdle(i: IdlePlanInput): IdlePlan {
  const notes: string[] = [];
  let keepaliveS = i.suiteKeepaliveS ?? i.profileKeepaliveS;
  if (i.suiteKeepaliveS === undefined && 1.5 * i.profileKeepaliveS * 1000 > i.maxWaitMs) {
    keepaliveS = SMALL_KEEPALIVE_S;
    notes.push(
      `clients use keepalive ${keepaliveS} s instead of the profile's ${i.profileKeepaliveS} s, whose 1.5 × (${1.5 * i.profileKeepaliveS} s) exceeds the ${i.maxWaitMs / 1000} s bound on the idle wait; the static check covers ${i.profileKeepaliveS} s`,
    );
  }
  const pingWindowMs = 1.5 * keepaliveS * 1000;
  let targetMs = Math.max(pingWindowMs, i.effectiveMs ?? 0);
  let bounded = false;
  if (i.effectiveMs === undefined || i.effectiveMs > i.maxWaitMs) {
    bounded = i.effectiveMs !== undefined;
    targetMs = pingWindowMs;
    notes.push(
      i.effectiveMs === undefined
        ? `no idle timeout configured: idled for 1.5 × keepalive (${pingWindowMs / 1000} s)`
        : `the effective idle timeout (${i.effectiveMs / 1000} s) exceeds the ${i.maxWaitMs / 1000} s bound: idled for 1.5 × keepalive (${pingWindowMs / 1000} s) only, which proves idle clients survive their ping gaps but not the full timeout`,
    );
  }
  const idleMs = Math.round(targetMs + Math.max(2000, 0.1 * targetMs));
  return { keepaliveS, idleMs, targetMs, bounded, notes };
}
