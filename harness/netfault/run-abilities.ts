/** The network-fault abilities of a run, before anything starts: probed facilities judged for the profile's runtime. */
import { NET_FAULT_KINDS, type NetFaultKind } from './fault.js';
import { hopAvailability, netFaultAvailability } from './availability.js';
import { facilities } from './probe.js';
import type { Availability } from './mechanism.js';

/** `auto` may become either runtime: a kind is available only when both can produce it (the local reason wins). */
export async function runNetFaultAbilities(
  runtime: 'local' | 'docker' | 'auto',
  external: boolean,
  hop = false,
): Promise<Record<NetFaultKind, Availability>> {
  if (external)
    return Object.fromEntries(
      NET_FAULT_KINDS.map((k) => [
        k,
        'an external target: the harness does not run its nodes, so it cannot cut their links',
      ]),
    ) as Record<NetFaultKind, Availability>;
  const f = await facilities();
  if (hop)
    return Object.fromEntries(NET_FAULT_KINDS.map((k) => [k, hopAvailability(f, k)])) as Record<
      NetFaultKind,
      Availability
    >;
  const judge = (k: NetFaultKind): Availability => {
    if (runtime !== 'auto') return netFaultAvailability(runtime, f, k);
    const local = netFaultAvailability('local', f, k);
    const docker = netFaultAvailability('docker', f, k);
    return local !== true
      ? `${local} (runtime auto may pick local)`
      : docker !== true
        ? `${docker} (runtime auto may pick docker)`
        : true;
  };
  return Object.fromEntries(NET_FAULT_KINDS.map((k) => [k, judge(k)])) as Record<NetFaultKind, Availability>;
}

/**
 * Network faults on the balancer ↔ node link, its health checks included (need 'link-faults'): the local runtime's
 * nodes share loopback with the harness, so only the fault hop separates that link; the docker runtime's kernel
 * rules in each node's namespace match the balancer container's address. Which verbs: the per-kind netFault needs.
 */
export function linkFaultAbility(runtime: 'local' | 'docker' | 'auto', external: boolean, hop: boolean): Availability {
  if (external)
    return 'an external target: the harness runs neither the balancer nor its nodes, so it cannot cut the link between them';
  if (runtime === 'docker') return true;
  const local = hopFaultAbility('local', false, hop);
  if (local === true) return true;
  if (runtime === 'auto') return `${local} (runtime auto may pick local)`;
  return `${local}; or \`runtime: docker\`, where rules in each node container's namespace cut its link to the balancer`;
}

/** The fault hop's abilities (profile `faults.hop`; answered by `hopFaultAbility` when its runtime has none). */
export function hopFaultAbility(runtime: 'local' | 'docker' | 'auto', external: boolean, hop: boolean): Availability {
  if (external) return 'an external target: the harness does not run the balancer, so it cannot put a hop behind it';
  if (!hop)
    return 'the fault hop is off: set `faults: { hop: true }` in the profile (a TS-proxy between the balancer and each node, its health checks taking the same path)';
  // every runtime has one: local a TS-proxy child process, docker a TS-proxy container per node on the run's network
  return true;
}
