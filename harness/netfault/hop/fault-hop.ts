/** What a started fault hop offers, whatever the runtime: the nodes as the balancer sees them, its faults, stop. */
import type { NodeInfo } from '../../types.js';
import type { NetFaultMechanism } from '../mechanism.js';
import type { HopRoute } from './routes.js';

/** A started fault hop. */
export interface FaultHop {
  /** The nodes as the balancer sees them (upstreams on the hop). */
  nodes: NodeInfo[];
  routes: HopRoute[];
  /** Its Toxiproxy-compatible REST API. */
  admin: string;
  mechanism: NetFaultMechanism;
  /** One line for the report: where the hop sits. */
  describe(): string;
  stop(): Promise<void>;
}
