/** Per balancer kind: validate the user's config and its address mapping without starting anything. */
import type { Profile } from '../profile/schema.js';
import { parseMapEntries, type ExplicitMap } from './address-map.js';
import { preflightHaproxy } from './haproxy/preflight.js';

export type Preflight = (configFile: string, nodeCount: number, explicit: ExplicitMap[]) => Promise<unknown>;

export const preflights: Record<string, Preflight> = {
  haproxy: preflightHaproxy,
};

export async function preflightProfile(profile: Profile): Promise<void> {
  const check = preflights[profile.balancer.kind];
  if (check) await check(profile.balancerConfigFile, profile.broker.nodes, parseMapEntries(profile.balancer.map));
}
