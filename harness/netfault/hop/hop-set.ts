/**
 * One NetFaultMechanism over a fault hop per node (the docker runtime's hop containers, each with its own admin
 * API): a node's faults go to its own hop, and each receipt says which hop produced it.
 */
import type { NodeName } from '../../types.js';
import type { NetFault, NetFaultKind } from '../fault.js';
import type { Availability, NetFacilities, NetFaultMechanism, NetFaultReceipt } from '../mechanism.js';

/** One node's hop: its mechanism and the words the receipts start with (e.g. `TS-proxy hop container …`). */
export interface NodeHop {
  node: NodeName;
  mechanism: NetFaultMechanism;
  label: string;
}

export class HopSetMechanism implements NetFaultMechanism {
  readonly name: string;
  private readonly byNode: Map<NodeName, NodeHop>;

  constructor(hops: readonly NodeHop[]) {
    if (!hops.length) throw new Error('a hop set needs at least one hop');
    this.byNode = new Map(hops.map((h) => [h.node, h]));
    this.name = hops[0]!.mechanism.name;
  }

  private hop(node: NodeName): NodeHop {
    const h = this.byNode.get(node);
    if (!h) throw new Error(`no fault hop in front of ${node} (hops: ${[...this.byNode.keys()].join(', ')})`);
    return h;
  }

  private first(): NetFaultMechanism {
    return this.byNode.values().next().value!.mechanism;
  }

  probe(): Promise<NetFacilities> {
    return this.first().probe();
  }

  availability(kind: NetFaultKind): Promise<Availability> {
    return this.first().availability(kind);
  }

  async apply(node: NodeName, fault: NetFault): Promise<NetFaultReceipt> {
    const h = this.hop(node);
    const r = await h.mechanism.apply(node, fault);
    return { ...r, mechanism: `${h.label}: ${r.mechanism}` };
  }

  heal(node: NodeName): Promise<void> {
    return this.hop(node).mechanism.heal(node);
  }

  async healAll(): Promise<void> {
    for (const h of this.byNode.values()) await h.mechanism.healAll();
  }
}
