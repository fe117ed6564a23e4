/**
 * A placement for reading a config without starting anything (preflight, static facts): node N's upstreams go to
 * 127.0.1.N, binds and the admin interface to 127.0.1.10 on ports from 20000 up, sockets under `socketDir`.
 */
import path from 'node:path';
import type { ExplicitMap } from './address-map.js';
import type { Placement } from './kind.js';
import type { BalancerTls } from '../pki/run-tls.js';
import type { MachineLimits } from './machine-limits.js';

export function dryPlacement(
  nodeCount: number,
  explicit: ExplicitMap[],
  opts: { socketDir?: string; tls?: BalancerTls; machine?: MachineLimits } = {},
): Placement {
  const nodeNames = Array.from({ length: nodeCount }, (_, i) => `node${i + 1}`);
  let port = 20000;
  return {
    nodeNames,
    explicit,
    resolve: (node, p) => ({ host: `127.0.1.${nodeNames.indexOf(node) + 1}`, port: p }),
    placeBind: async () => ({ host: '127.0.1.10', port: port++ }),
    admin: {
      host: '127.0.1.10',
      port: async () => port++,
      socket: (name) => path.join(opts.socketDir ?? '/nonexistent', name),
    },
    runDir: opts.socketDir ?? '/nonexistent',
    ...(opts.tls ? { tls: opts.tls } : {}),
    ...(opts.machine ? { machine: opts.machine } : {}),
  };
}
