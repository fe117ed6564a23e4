/** Per balancer kind: validate the user's config and its address mapping without starting anything. */
import type { Profile } from '../profile/schema.js';
import { parseMapEntries, type ExplicitMap } from './address-map.js';
import { preflightHaproxy } from './haproxy/preflight.js';
import { preflightTsProxy } from './ts-proxy/preflight.js';
import { MissingBinaryError } from '../errors.js';
import { withPreflightTls, type BalancerTls } from '../pki/run-tls.js';

/** `tls`: throw-away files standing in for the run's PKI (profile `tls:`), so certificate paths can be checked too. */
export type Preflight = (
  configFile: string,
  nodeCount: number,
  explicit: ExplicitMap[],
  tls?: BalancerTls,
) => Promise<unknown>;

export const preflights: Record<string, Preflight> = {
  haproxy: preflightHaproxy,
  'ts-proxy': preflightTsProxy,
};

export async function preflightProfile(profile: Profile): Promise<void> {
  const check = preflights[profile.balancer.kind];
  if (!check) return;
  try {
    await withPreflightTls(profile.tls, profile.file, (tls) =>
      check(profile.balancerConfigFile, profile.broker.nodes, parseMapEntries(profile.balancer.map), tls),
    );
  } catch (err) {
    // The docker runtime runs the balancer from its image: the mapping is checked (it throws first), a missing
    // local binary is not needed (the container validates the config when it starts).
    if (err instanceof MissingBinaryError && profile.runtime !== 'local') return;
    throw err;
  }
}
