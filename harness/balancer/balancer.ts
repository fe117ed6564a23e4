/** What every balancer kind provides once started, whatever the runtime. */
import type { BalancerInfo, BalancerView, Endpoints, NodeInfo } from '../types.js';
import type { ExplicitMap } from './address-map.js';
import type { RunDir } from '../proc/run-dir.js';
import type { BalancerFacts } from '../facts.js';
import type { BalancerTls } from '../pki/run-tls.js';

export interface BalancerHandle {
  info: BalancerInfo;
  view: BalancerView;
  facts: BalancerFacts;
  endpoints: Endpoints;
  /** Reload with the same config (HAProxy -sf, TS-proxy SIGHUP); established connections survive. */
  reload(): Promise<void>;
  /**
   * `kill`: SIGKILL every balancer process (container), as a crash would; `restart`: start it again with the same
   * config, addresses and ports, resolved once it answers (a no-op while it runs).
   */
  fault(verb: BalancerFaultVerb): Promise<void>;
  stop(): Promise<void>;
}

export type BalancerFaultVerb = 'kill' | 'restart';

export interface BalancerStartSpec {
  kind: string;
  /** The user's config file, run unmodified apart from the address mapping. */
  configFile: string;
  explicitMap: ExplicitMap[];
  nodes: readonly NodeInfo[];
  runDir: RunDir;
  /** Loopback address the frontends move to. */
  bindHost: string;
  /** The run's TLS files (profile `tls:`); with `mapCertificates`, certificate paths in the config are mapped to them. */
  tls?: BalancerTls;
}

export { SERVICE_PORTS, endpointsFromBinds, type BindLike } from './endpoints.js';
