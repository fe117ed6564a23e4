/**
 * What an external target (`balancer.kind: external`) can do, from what its profile declares: fault verbs with a
 * command, a dashboard URL, node APIs. Its balancer's facts, view and reload are never available.
 */
import type { Profile } from '../profile/schema.js';
import type { FaultVerb } from '../types.js';
import { FAULT_VERBS, type BalancerAbilities } from '../needs.js';
import { missingVerbReason, NOT_AVAILABLE_REASONS } from './faults.js';

/** The balancer-side abilities of an external target (the broker, TLS and tool abilities are added by the caller). */
export function externalAbilities(profile: Profile): BalancerAbilities {
  const target = profile.balancer.target!;
  return {
    faults: Object.fromEntries(FAULT_VERBS.map((v) => [v, target.faults[v] ? true : missingVerbReason([v])])) as Record<
      FaultVerb,
      true | string
    >,
    'balancer-facts': NOT_AVAILABLE_REASONS['balancer-facts'],
    'balancer-view': NOT_AVAILABLE_REASONS['balancer-view'],
    reload: NOT_AVAILABLE_REASONS.reload,
    'balancer-restart': NOT_AVAILABLE_REASONS['balancer-restart'],
    'dashboard-frontend': target.dashboard
      ? true
      : 'the external target gives no dashboard URL (balancer.target.dashboard)',
    'spread-placement': true,
    nodes: Object.keys(target.nodes).length,
  };
}
