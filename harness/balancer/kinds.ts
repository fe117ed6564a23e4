/**
 * The one registry of balancer kinds, by profile `balancer.kind`: a new kind is its folder (`balancer/<kind>/kind.ts`
 * implementing ./kind.ts) plus one line here. Everything else (placements, preflight, static facts, remedies) looks
 * kinds up here.
 */
import type { BalancerKind } from './kind.js';
import { GENERIC_REMEDIES, type BalancerRemedies } from './remedies.js';
import { haproxyKind } from './haproxy/kind.js';
import { tsProxyKind } from './ts-proxy/kind.js';
import { nginxKind } from './nginx/kind.js';

export const BALANCER_KINDS = {
  haproxy: haproxyKind,
  'ts-proxy': tsProxyKind,
  nginx: nginxKind,
} satisfies Record<string, BalancerKind>;

export type BalancerKindName = keyof typeof BALANCER_KINDS;

/** The kind the harness runs for a profile's `balancer.kind`; undefined for `external` (or an unknown name). */
export function balancerKind(name: string): BalancerKind | undefined {
  return Object.hasOwn(BALANCER_KINDS, name) ? BALANCER_KINDS[name as BalancerKindName] : undefined;
}

/** The advice findings quote for a balancer kind, in neutral words for a balancer the harness does not know. */
export function remediesOf(name: string): BalancerRemedies {
  return balancerKind(name)?.remedies ?? GENERIC_REMEDIES;
}
