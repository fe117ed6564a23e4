/** Balancer kinds the local runtime can start, by profile `balancer.kind`. */
import type { BalancerHandle, BalancerStartSpec } from '../balancer/balancer.js';
import { startLocalHaproxy } from '../balancer/haproxy/local.js';
import { startLocalTsProxy } from '../balancer/ts-proxy/local.js';

export const localBalancerStarters: Record<string, (spec: BalancerStartSpec) => Promise<BalancerHandle>> = {
  haproxy: startLocalHaproxy,
  'ts-proxy': startLocalTsProxy,
};
