/**
 * The fault hop on the docker runtime: one TS-proxy container per node on the run's network (alias `hop-<node>`),
 * listening on the node's own container ports and forwarding to the node's alias, started before the balancer, whose
 * upstreams are then mapped to the hop aliases by the balancer's usual mapping; the harness keeps observing the nodes
 * through their published ports. Its faults: HopMechanism (toxics through each hop's admin API, published on
 * 127.0.0.1), loss by iptables inside the hop container's namespace (nsenter), on the hop's address.
 *
 * Why a container per node and not one container with an alias per node: the mapping keeps the port numbers the
 * user's config writes (`server … :1883`, `check port 18083`) and changes only the host, so every node needs a hop
 * address of its own, and a container has one address per network. A namespace per node also scopes the kernel's
 * loss rules to that node's path without an address list.
 */
import type { StartedNetwork } from 'testcontainers';
import type { HostPort, NodeInfo, NodeName } from '../../types.js';
import type { RunDir } from '../../proc/run-dir.js';
import type { NodePorts } from '../../docker/brokers/types.js';
import type { ImageChoice } from '../../docker/image-choice.js';
import { startRunContainer, type RunContainer } from '../../docker/run-container.js';
import { PUBLISH_HOST } from '../../docker/net-container.js';
import { ProbeWaitStrategy } from '../../docker/waits.js';
import { docker } from '../../docker/engine.js';
import { TS_PROXY_CFG_PATH } from '../../balancer/ts-proxy/container-files.js';
import { logFailure } from '../../util/best-effort.js';
import { NetfilterMechanism, type NodeNetTarget } from '../netfilter-mechanism.js';
import type { FaultHop } from './fault-hop.js';
import { HopMechanism } from './hop-mechanism.js';
import { HopSetMechanism } from './hop-set.js';
import { hopConfig, nodesThroughHop, type HopRoute } from './routes.js';

/** The admin API's port inside each hop container (Toxiproxy's own default; no node listens on it). */
export const HOP_ADMIN_PORT = 8474;

/** A node container as the hop needs it: its alias and address on the run network, and its container ports. */
export interface HopNodeContainer {
  node: NodeName;
  alias: string;
  ipAddress: string;
  ports: NodePorts;
}

export interface DockerHopSpec {
  runDir: RunDir;
  network: StartedNetwork;
  /** The TS-proxy image (role `ts-proxy`); with `appEntry`, the program staged in `appDir` is run on a Node base. */
  image: ImageChoice;
  appDir?: string;
  /** The cluster's nodes as the harness sees them. */
  nodes: readonly NodeInfo[];
  containers: readonly HopNodeContainer[];
}

/** A started docker fault hop, with the hop aliases and addresses the balancer pins in its `/etc/hosts`. */
export interface DockerFaultHop extends FaultHop {
  hosts: { host: string; ipAddress: string }[];
}

export const hopAlias = (node: NodeName): string => `hop-${node}`;

/** The container ports of a node the balancer could be pointed at (the harness's direct MQTT port is not one). */
function balancerPorts(p: NodePorts): number[] {
  return [...new Set([p.mqtt, p.http, p.mqtts, p.ws, p.wss].filter((x): x is number => x !== undefined))].sort(
    (a, b) => a - b,
  );
}

/** One route per node port: the hop listens on `hop-<node>:<port>` and forwards to `<node alias>:<port>`. */
export function dockerHopRoutes(containers: readonly HopNodeContainer[]): HopRoute[] {
  return containers.flatMap((c) =>
    balancerPorts(c.ports).map((port) => ({
      node: c.node,
      name: `${c.node}-${port}`,
      listen: { host: hopAlias(c.node), port },
      upstream: { host: c.alias, port },
    })),
  );
}

/** A hop container's TS-proxy config: its routes bound on every address of the container, admin included. */
export function dockerHopConfig(routes: readonly HopRoute[]): string {
  const anyHost = (hp: HostPort): HostPort => ({ host: '0.0.0.0', port: hp.port });
  return hopConfig(
    routes.map((r) => ({ ...r, listen: anyHost(r.listen) })),
    { host: '0.0.0.0', port: HOP_ADMIN_PORT },
  );
}

async function proxiesUp(admin: string, names: readonly string[]): Promise<boolean> {
  const res = await fetch(`${admin}/proxies`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) return false;
  const list = (await res.json()) as Record<string, { enabled: boolean }>;
  return names.every((n) => list[n]?.enabled);
}

interface StartedHop {
  node: NodeName;
  container: RunContainer;
  routes: HopRoute[];
  admin: string;
}

async function startOne(spec: DockerHopSpec, c: HopNodeContainer, routes: HopRoute[]): Promise<StartedHop> {
  const names = routes.map((r) => r.name);
  const admin = (port: number): string => `http://${PUBLISH_HOST}:${port}`;
  const onNodeBase = spec.image.appEntry && spec.appDir;
  const container = await startRunContainer(
    {
      name: hopAlias(c.node),
      image: spec.image.image,
      aliases: [hopAlias(c.node)],
      ...(onNodeBase
        ? {
            entrypoint: ['node', `/app/${spec.image.appEntry}`],
            directories: [{ source: spec.appDir!, target: '/app' }],
          }
        : {}),
      command: ['--config', TS_PROXY_CFG_PATH],
      env: { NODE_ENV: 'production' },
      files: [{ content: dockerHopConfig(routes), target: TS_PROXY_CFG_PATH, mode: 0o644 }],
      ports: [HOP_ADMIN_PORT],
      // the node's alias stays resolvable while its container is stopped (Docker's DNS drops stopped containers)
      extraHosts: [{ host: c.alias, ipAddress: c.ipAddress }],
      wait: new ProbeWaitStrategy(`the fault hop in front of ${c.node} to listen on ${names.join(', ')}`, (bound) =>
        proxiesUp(admin(bound.getBinding(HOP_ADMIN_PORT)), names),
      ).withStartupTimeout(20_000),
    },
    spec.network,
    spec.runDir,
  );
  return { node: c.node, container, routes, admin: admin(container.hostPort(HOP_ADMIN_PORT)) };
}

/** The hop container's namespace (by its current pid) and the node's ports on the hop's address: loss goes there. */
async function hopNetTarget(h: StartedHop): Promise<NodeNetTarget> {
  const st = (await docker().getContainer(h.container.id).inspect()).State as { Pid: number; Running: boolean };
  if (!st.Running || !st.Pid) throw new Error(`the fault hop container ${h.container.containerName} is not running`);
  return {
    node: h.node,
    address: h.container.ipAddress(),
    ports: h.routes.map((r) => r.listen.port),
    ns: {
      key: `pid:${st.Pid}`,
      label: `the hop container ${h.container.containerName}'s namespace`,
      prefix: ['nsenter', '-t', String(st.Pid), '-n'],
    },
  };
}

function label(h: StartedHop): string {
  return `TS-proxy hop container ${h.container.containerName} (${h.container.ipAddress()}, admin ${h.admin})`;
}

/** One hop in the report: the container, then `hop-node1:1883→node1, …`. */
function routesLine(h: StartedHop): string {
  return `${label(h)}: ${h.routes.map((r) => `${r.listen.host}:${r.listen.port}→${r.upstream.host}`).join(', ')}`;
}

async function removeAll(hops: readonly StartedHop[]): Promise<void> {
  await Promise.all(
    hops.map((h) =>
      docker()
        .getContainer(h.container.id)
        .remove({ force: true, v: true })
        .catch(logFailure(`removing ${h.container.containerName}`, "the run's label sweep removes it")),
    ),
  );
}

/** Starts a hop container per node (in parallel) and answers the hop; a failure removes the ones that started. */
export async function startDockerHop(spec: DockerHopSpec): Promise<DockerFaultHop> {
  const routes = dockerHopRoutes(spec.containers);
  const results = await Promise.allSettled(
    spec.containers.map((c) =>
      startOne(
        spec,
        c,
        routes.filter((r) => r.node === c.node),
      ),
    ),
  );
  const hops = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await removeAll(hops);
    throw new Error(`the fault hop (TS-proxy containers) did not start: ${(failed.reason as Error).message}`);
  }
  const mechanism = new HopSetMechanism(
    hops.map((h) => {
      const kernel = new NetfilterMechanism({
        runtime: 'docker',
        runId: spec.runDir.runId,
        resolve: () => hopNetTarget(h),
      });
      return { node: h.node, label: label(h), mechanism: new HopMechanism(h.admin, h.routes, kernel) };
    }),
  );
  return {
    nodes: nodesThroughHop(spec.nodes, routes),
    routes,
    admin: hops.map((h) => h.admin).join(', '),
    mechanism,
    hosts: hops.map((h) => ({ host: hopAlias(h.node), ipAddress: h.container.ipAddress() })),
    describe: () => `TS-proxy hop containers on ${spec.network.getName()}: ${hops.map(routesLine).join('; ')}`,
    async stop() {
      await mechanism.healAll().catch(logFailure('removing the fault hop toxics and rules'));
      await removeAll(hops);
    },
  };
}
