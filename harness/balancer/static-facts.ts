/**
 * BalancerFacts from a profile without starting anything, so a suite can decide at collection time
 * which of its tests apply (and skip the others with the reason). Undefined for a balancer the harness
 * does not run (`external`); suites then decide inside the test, from `deployment.balancerFacts`.
 */
import { readFileSync } from 'node:fs';
import type { Profile } from '../profile/schema.js';
import { parseMapEntries } from './address-map.js';
import type { BalancerFacts } from '../facts.js';
import { balancerKind } from './kinds.js';
import { dryPlacement } from './dry-placement.js';
import { endpointsFromBinds } from './balancer.js';
import type { Endpoints } from '../types.js';

/** What a balancer config says, read without starting it: its facts and its frontends (addresses are placeholders). */
export interface StaticBalancer {
  facts: BalancerFacts;
  endpoints: Endpoints;
}

/** The profile's balancer config read statically, or undefined when the kind is not run by the harness or it fails. */
export async function staticBalancer(profile: Profile): Promise<StaticBalancer | undefined> {
  const kind = balancerKind(profile.balancer.kind);
  if (!kind) return undefined;
  const file = profile.balancerConfigFile;
  try {
    const at = dryPlacement(profile.broker.nodes, parseMapEntries(profile.balancer.map));
    const mapped = await kind.map(readFileSync(file, 'utf8'), file, at);
    return { facts: kind.facts(mapped, file), endpoints: endpointsFromBinds(mapped.binds, mapped.mapping) };
  } catch {
    return undefined;
  }
}

/** The profile's balancer facts, or undefined when the kind has no static reader or the config cannot be read. */
export async function staticBalancerFacts(profile: Profile): Promise<BalancerFacts | undefined> {
  return (await staticBalancer(profile))?.facts;
}
