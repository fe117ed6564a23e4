/**
 * Which network faults each runtime can produce on this machine, and why not — from the probed facilities. The
 * local runtime's nodes share `lo` with every other run and process here, so only per-address iptables rules are
 * scoped to one node; qdiscs (tbf, netem) shape a whole interface and are offered only inside a container's own
 * namespace.
 */
import type { Availability, NetFacilities } from './mechanism.js';
import type { NetFaultKind } from './fault.js';

export type NetFaultRuntime = 'local' | 'docker';

const HOP = 'needs the TS-proxy hop';

function all(...xs: Availability[]): Availability {
  return xs.find((x) => x !== true) ?? true;
}

export function netFaultAvailability(runtime: NetFaultRuntime, f: NetFacilities, kind: NetFaultKind): Availability {
  const ns = runtime === 'docker' ? f.nsenter : true;
  switch (kind) {
    case 'partition':
    case 'blackhole':
      return all(f.root, f.iptables, ns);
    case 'reset':
      return all(f.root, f.reject, ns);
    case 'loss':
      return all(f.root, f.statistic, ns);
    case 'bandwidth':
      if (runtime === 'local')
        return `tbf shapes a whole interface: local nodes share lo with every other run on this machine and the classifiers that could scope it to one node (u32, flower, matchall, bpf) are missing → bandwidth ${HOP}`;
      return all(f.root, f.tbf === true || `${f.tbf} → bandwidth ${HOP}`, ns);
    case 'delay':
      if (f.netem !== true) return `${f.netem.replace(/ \(.*\)$/, '')} → delay ${HOP}`;
      if (runtime === 'local') return `netem on lo would delay every run on this machine → delay ${HOP}`;
      return all(f.root, ns);
  }
}

/** Every kind's availability for a runtime. */
export function netFaultAbilities(runtime: NetFaultRuntime, f: NetFacilities): Record<NetFaultKind, Availability> {
  const kinds: NetFaultKind[] = ['partition', 'blackhole', 'reset', 'loss', 'bandwidth', 'delay'];
  return Object.fromEntries(kinds.map((k) => [k, netFaultAvailability(runtime, f, k)])) as Record<
    NetFaultKind,
    Availability
  >;
}

/** Through the fault hop: every verb is a toxic on the hop, except loss, which stays the kernel's (on the hop's address). */
export function hopAvailability(f: NetFacilities, kind: NetFaultKind): Availability {
  return kind === 'loss' ? netFaultAvailability('local', f, 'loss') : true;
}
