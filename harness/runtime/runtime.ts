/**
 * A runtime starts clusters and balancers and injects faults (local processes or docker containers).
 * Suites never see it: they get a Deployment (harness/deployment.ts).
 */
import type { Capabilities, FaultVerb, NodeApi, NodeInfo, NodeName } from '../types.js';
import type { BalancerHandle, BalancerStartSpec } from '../balancer/balancer.js';
import type { RunDir } from '../proc/run-dir.js';
import type { NetFaultMechanism } from '../netfault/mechanism.js';
import type { FaultHop } from '../netfault/hop/fault-hop.js';

export interface ClusterSpec {
  kind: 'standin' | 'emqx' | 'rabbitmq';
  nodes: number;
  image?: string;
  trustProxy: boolean;
  heartbeatMs: number;
  /** Optional TLS listener on the nodes (passthrough topology). */
  tls?: { cert: string; key: string; ca?: string };
}

export interface ClusterHandle {
  readonly kind: string;
  readonly version: string;
  readonly capabilities: Capabilities;
  readonly nodes: readonly NodeInfo[];
  nodeApi(node: NodeName): NodeApi;
  fault(node: NodeName, verb: FaultVerb): Promise<void>;
  /** Kernel-level network faults on the nodes (harness/netfault); healed by stop(). */
  readonly netFaults?: NetFaultMechanism;
  /** Resident memory of each node now, bytes (absent: this runtime cannot read it). */
  nodeRssBytes?(): Record<string, number>;
  stop(): Promise<void>;
}

export interface Runtime {
  readonly name: 'local' | 'docker';
  readonly runDir: RunDir;
  startCluster(spec: ClusterSpec): Promise<ClusterHandle>;
  startBalancer(spec: Omit<BalancerStartSpec, 'runDir' | 'bindHost'>): Promise<BalancerHandle>;
  /** The fault hop (profile `faults.hop`): a TS-proxy between the balancer and each node; absent on runtimes without
   *  one (the profile is then refused). harness/netfault/hop/ */
  startHop?(nodes: readonly NodeInfo[]): Promise<FaultHop>;
  /** Releases what the runtime itself holds (loopback block, docker network). */
  stop(): Promise<void>;
}

export type Progress = (message: string) => void;
