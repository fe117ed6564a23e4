/**
 * Builds the balancer a backend's `balance` setting names.
 */
import type { BalanceAlgorithm, FallbackAlgorithm } from '../config/types.js';
import { ClientIdBalancer } from './clientid.js';
import { LeastConnBalancer } from './leastconn.js';
import { RandomTwoChoicesBalancer } from './random.js';
import { RoundRobinBalancer } from './roundrobin.js';
import { SourceHashBalancer } from './source.js';
import type { BalanceTarget, Balancer } from './types.js';

export type { BalanceTarget, Balancer, PickContext } from './types.js';

export function createSimpleBalancer<T extends BalanceTarget>(algorithm: FallbackAlgorithm): Balancer<T> {
  switch (algorithm) {
    case 'roundrobin':
      return new RoundRobinBalancer<T>();
    case 'leastconn':
      return new LeastConnBalancer<T>();
    case 'source':
      return new SourceHashBalancer<T>();
    case 'random':
      return new RandomTwoChoicesBalancer<T>();
  }
}

export interface BalancerOptions<T> {
  algorithm: BalanceAlgorithm;
  fallback: FallbackAlgorithm;
  balanceFactor: number;
  servers: readonly T[];
}

export function createBalancer<T extends BalanceTarget>(opts: BalancerOptions<T>): Balancer<T> {
  if (opts.algorithm === 'clientid') {
    return new ClientIdBalancer<T>(createSimpleBalancer<T>(opts.fallback), opts.balanceFactor, opts.servers);
  }
  return createSimpleBalancer<T>(opts.algorithm);
}
