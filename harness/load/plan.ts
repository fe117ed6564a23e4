/**
 * What a load run does, as plain data (so a controller can hand chunks of it to agents later): targets, client
 * count and id range, connect rate, source-address pool, subscriptions and publishing, and the bounds (deadline,
 * phase timeout, error limit). Client `i` (0-based within the plan) is in topic group `(idOffset + i) % groups`.
 */
import type { SourcePool } from './addresses.js';
import type { Target } from './connection.js';
import type { LoadQos } from './ledger.js';
import type { ReconnectPolicy } from './reconnect.js';

export interface SubscribePlan {
  /** Client i subscribes when (idOffset + i) % every === 0. */
  every: number;
  /** Filters; "{g}" is replaced by the client's topic group. */
  filters: string[];
  qos: LoadQos;
  /** 'never': subscribers never acknowledge QoS 1 deliveries (a stuck consumer; with cleanSession false the
   * broker redelivers them after a reconnect, which the ledger counts as duplicates). Default 'immediate'. */
  puback?: 'immediate' | 'never';
}

export interface PublishPlan {
  /** Client i publishes when (idOffset + i) % every === (offset ?? 0). */
  every: number;
  offset?: number;
  /** Topic; "{g}" is replaced by the client's topic group. */
  topic: string;
  qos: LoadQos;
  /** Messages per second per publisher. */
  ratePerS: number;
  /** Messages per publisher. */
  count: number;
  payloadBytes: number;
}

export interface LoadPlan {
  /** Clients go to targets round-robin by index. */
  targets: Target[];
  clients: number;
  /** Connection attempts per second (token bucket). */
  connectRate: number;
  /** Attempts the bucket may save up (default 1: evenly spaced). */
  burst?: number;
  /** At most this many attempts between open() and CONNACK/SUBACK at once (default 2000). */
  maxConnecting?: number;
  clientIdPrefix: string;
  /** First client number (agents take disjoint ranges); client id = prefix + (idOffset + i). */
  idOffset?: number;
  /** Source addresses (harness/load/addresses.ts); omitted = the kernel's choice. */
  sourcePool?: SourcePool;
  keepaliveS?: number;
  /** MQTT clean-session flag on every CONNECT (default true). */
  cleanSession?: boolean;
  /** Per connection: open() → ready within this (default 10 s). */
  phaseTimeoutMs?: number;
  groups?: number;
  subscribe?: SubscribePlan;
  publish?: PublishPlan;
  /** Hold every connection this long after the ramp (and publishing) before closing (default 0). */
  holdMs?: number;
  /** Wait at most this long for the last deliveries after publishing (default 2 s). */
  drainMs?: number;
  /**
   * Re-open a connection that breaks after it was ready (re-subscribes), after delayMs, and keep re-trying a failed
   * re-attempt by the policy (fixed period, or exponential backoff with full jitter: harness/load/reconnect.ts).
   */
  reconnect?: ReconnectPolicy;
  /** Stop the ramp once this many attempts failed (default: never). */
  maxErrors?: number;
  /** The whole run (ramp, publishing, hold, drain) ends by this; closing follows (default 120 s). */
  deadlineMs?: number;
  /** Progress event interval (default 1 s). */
  progressEveryMs?: number;
}

export function groupOf(plan: LoadPlan, i: number): number {
  return ((plan.idOffset ?? 0) + i) % Math.max(1, plan.groups ?? 1);
}

export function clientIdOf(plan: LoadPlan, i: number): string {
  return `${plan.clientIdPrefix}${(plan.idOffset ?? 0) + i}`;
}

export function filtersOf(plan: LoadPlan, i: number): string[] {
  const s = plan.subscribe;
  if (!s || ((plan.idOffset ?? 0) + i) % s.every !== 0) return [];
  const g = String(groupOf(plan, i));
  return s.filters.map((f) => f.replaceAll('{g}', g));
}

export function publishTopicOf(plan: LoadPlan, i: number): string | undefined {
  const p = plan.publish;
  if (!p || ((plan.idOffset ?? 0) + i) % p.every !== (p.offset ?? 0) % p.every) return undefined;
  return p.topic.replaceAll('{g}', String(groupOf(plan, i)));
}

export function validatePlan(plan: LoadPlan): void {
  if (!plan.targets.length) throw new Error('load plan: no targets');
  if (!Number.isInteger(plan.clients) || plan.clients < 1) throw new Error('load plan: clients must be ≥ 1');
  if (!(plan.connectRate > 0)) throw new Error('load plan: connectRate must be > 0');
  for (const [k, v] of [
    ['subscribe.every', plan.subscribe?.every],
    ['publish.every', plan.publish?.every],
  ] as const)
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new Error(`load plan: ${k} must be ≥ 1`);
  if (plan.publish && !(plan.publish.ratePerS > 0)) throw new Error('load plan: publish.ratePerS must be > 0');
}
