/** What every way of injecting network faults provides: a probe of its facilities, apply/heal per node, heal-all. */
import type { NodeName } from '../types.js';
import type { NetFault, NetFaultKind, NetFaultReceipt } from './fault.js';

export type { NetFaultReceipt } from './fault.js';

/** `true`, or why not (becomes a skip reason). */
export type Availability = true | string;

/** What the machine offers, probed once at start (kernels differ between machines). */
export interface NetFacilities {
  root: Availability;
  iptables: Availability;
  /** `iptables -m statistic --mode random` (random packet loss). */
  statistic: Availability;
  /** `REJECT --reject-with tcp-reset`. */
  reject: Availability;
  tbf: Availability;
  netem: Availability;
  nsenter: Availability;
}

export interface NetFaultMechanism {
  /** Short name: 'iptables-local', 'iptables-docker'. */
  readonly name: string;
  /** The facilities this mechanism uses (cached after the first call). */
  probe(): Promise<NetFacilities>;
  /** Whether `kind` can be applied here, or why not. */
  availability(kind: NetFaultKind): Promise<Availability>;
  /** Replaces the node's network fault with `fault` (heal: removes it). Throws with the reason when unavailable. */
  apply(node: NodeName, fault: NetFault): Promise<NetFaultReceipt>;
  heal(node: NodeName): Promise<void>;
  /** Removes everything this mechanism installed (deployment stop). */
  healAll(): Promise<void>;
}

/** A fault that cannot be produced here, with the reason (a test needing it is skipped with that reason). */
export class NetFaultUnavailableError extends Error {
  override name = 'NetFaultUnavailableError';
}
