/** Validates the profile's balancer config and its address mapping without starting anything (its kind's preflight). */
import type { Profile } from '../profile/schema.js';
import { parseMapEntries } from './address-map.js';
import { balancerKind } from './kinds.js';
import { MissingBinaryError } from '../errors.js';
import { withPreflightTls } from '../pki/run-tls.js';

export async function preflightProfile(profile: Profile): Promise<void> {
  const kind = balancerKind(profile.balancer.kind);
  if (!kind) return;
  try {
    // `tls`: throw-away files standing in for the run's PKI (profile `tls:`), so certificate paths can be checked too.
    await withPreflightTls(profile.tls, profile.file, (tls) =>
      kind.preflight(profile.balancerConfigFile, profile.broker.nodes, parseMapEntries(profile.balancer.map), tls),
    );
  } catch (err) {
    // The docker runtime runs the balancer from its image: the mapping is checked (it throws first), a missing
    // local binary is not needed (the container validates the config when it starts).
    if (err instanceof MissingBinaryError && profile.runtime !== 'local') return;
    throw err;
  }
}
