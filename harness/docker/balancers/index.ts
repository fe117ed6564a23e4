/**
 * Balancer kinds the docker runtime can start, by profile `balancer.kind`. Each starter gets the run network, the
 * chosen image, the nodes (upstreams resolve to `<alias>:<port>` on the network) and the aliases' addresses for
 * `/etc/hosts`; it maps the user's config with the shared rule (harness/balancer/address-map.ts), publishes its
 * frontends and its observation interface on fixed 127.0.0.1 ports, and returns the same BalancerHandle as locally.
 *
 * TS-proxy slots in the same way: `dockerBalancerStarters['ts-proxy'] = startDockerTsProxy`, where the starter maps
 * the proxy config's servers with the resolver, copies it into `IMAGE_ROLES['ts-proxy']`'s image (or the staged app
 * on a Node base: `spec.image.appEntry`), publishes the frontends + admin API, and waits with a ProbeWaitStrategy.
 */
import type { StartedNetwork } from 'testcontainers';
import type { BalancerHandle, BalancerStartSpec } from '../../balancer/balancer.js';
import type { ImageChoice } from '../image-choice.js';
import { startDockerHaproxy } from './haproxy.js';
import { startDockerTsProxy } from './ts-proxy.js';

export interface DockerBalancerStartSpec extends Omit<BalancerStartSpec, 'bindHost'> {
  network: StartedNetwork;
  image: ImageChoice;
  /** Node aliases and their addresses on the run network (they stay fixed across restarts). */
  nodeHosts: { host: string; ipAddress: string }[];
  /** Host directory holding the staged program when `image.appEntry` is set. */
  appDir?: string;
}

export type DockerBalancerStarter = (spec: DockerBalancerStartSpec) => Promise<BalancerHandle>;

export const dockerBalancerStarters: Record<string, DockerBalancerStarter> = {
  haproxy: startDockerHaproxy,
  'ts-proxy': startDockerTsProxy,
};
