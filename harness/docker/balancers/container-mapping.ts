/**
 * The address-mapping rule inside a balancer container, shared by the HAProxy and TS-proxy containers: upstreams
 * → `<node alias>:<written port>` on the run network; binds on 0.0.0.0 keep their written port unless another bind
 * already has it or it is the harness's own observation port, in which case they move to 20000 and up.
 */
import type { ExplicitMap, UpstreamResolver } from '../../balancer/address-map.js';
import type { NodeName } from '../../types.js';
import type { DockerBalancerStartSpec } from './index.js';

export interface ContainerMapping {
  nodeNames: readonly NodeName[];
  explicit: ExplicitMap[];
  resolve: UpstreamResolver;
  placeBind: (originalPort: number, used: Set<string>) => Promise<{ host: string; port: number }>;
}

/** Mapping options for a container whose observation interface (runtime API, admin API) listens on `reservedPort`. */
export function containerMapping(
  spec: Pick<DockerBalancerStartSpec, 'explicitMap' | 'nodes'>,
  reservedPort: number,
): ContainerMapping {
  const byName = new Map(spec.nodes.map((n) => [n.name, n]));
  let next = 20000;
  return {
    nodeNames: spec.nodes.map((n) => n.name),
    explicit: spec.explicitMap,
    resolve: (node, port) => ({ host: byName.get(node)!.upstreamMqtt.host, port }),
    placeBind: async (port, used) => {
      let p = port;
      while (used.has(`0.0.0.0:${p}`) || p === reservedPort) p = next++;
      return { host: '0.0.0.0', port: p };
    },
  };
}
