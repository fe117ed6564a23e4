/**
 * Docker agents: one container per agent on the run's own network (each with its own address there, so a balancer's
 * `balance source` sees as many client addresses as agents instead of the one gateway address every host-side
 * client arrives from), running `node /app/dist/harness/agents/worker/main.js` from the node image with this checkout's dist/,
 * node_modules and package.json mounted read-only (nothing copied, no image to build). Agents dial the controller on the network's gateway address (the host side of the
 * bridge); clients go to the balancer's container address and port inside the network. Containers carry the run
 * label, so the run's sweeper removes them too.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { docker, RUN_LABEL, runLabels } from '../../docker/engine.js';
import { IMAGES } from '../../docker/images.js';
import { builtFile, projectRoot } from '../../util/project-root.js';
import type { Deployment } from '../../types.js';
import type { LoadPlan } from '../../load/plan.js';
import type { LoadSettings } from '../settings.js';
import { agentArgs, TOKEN_ENV, type Launcher, type LaunchSpec } from './launcher.js';

export const AGENT_ENTRY = 'dist/harness/agents/worker/main.js';

/** Where agents live on the run's network, found from the running deployment. */
export interface DockerPlacement {
  runId: string;
  network: string;
  /** The bridge's host-side address: the controller listens there. */
  gateway: string;
  /** The balancer's MQTT frontend as seen from inside the network, by the host port the harness uses. */
  targets: Map<number, { host: string; port: number }>;
}

/** Host paths mounted read-only under /app: the built harness, its packages (symlinks resolved) and package.json. */
export interface AppMounts {
  dist: string;
  nodeModules: string;
  packageJson: string;
}

export function appMounts(): AppMounts {
  builtFile(AGENT_ENTRY.replace(/^dist\//, ''));
  const root = projectRoot();
  return {
    dist: path.join(root, 'dist'),
    nodeModules: realpathSync(path.join(root, 'node_modules')),
    packageJson: path.join(root, 'package.json'),
  };
}

/** The container definition of agent `index` (unit-tested: docker-defs.test.ts). */
export function agentContainer(
  spec: LaunchSpec,
  index: number,
  p: DockerPlacement,
  image: string,
  app: AppMounts,
): Docker.ContainerCreateOptions {
  const args = agentArgs(spec, index).slice(1); // the entry is the agent itself: no 'agent' subcommand
  return {
    name: `mqtt-lb-${p.runId}-agent${index}`,
    Image: image,
    Cmd: ['node', `/app/${AGENT_ENTRY}`, ...args],
    Env: [`${TOKEN_ENV}=${spec.token}`],
    Labels: { ...runLabels(p.runId), 'mqtt-lb.role': 'load-agent', 'mqtt-lb.agent': String(index) },
    HostConfig: {
      NetworkMode: p.network,
      Binds: [
        `${app.dist}:/app/dist:ro`,
        `${app.nodeModules}:/app/node_modules:ro`,
        `${app.packageJson}:/app/package.json:ro`,
      ],
      Ulimits: [{ Name: 'nofile', Soft: 20_000, Hard: 20_000 }],
      AutoRemove: false,
    },
  };
}

/** The run's network, its gateway and the balancer's in-network address for each published host port. */
export async function placementFor(d: Deployment): Promise<DockerPlacement> {
  const api = docker();
  const filters = JSON.stringify({ label: [`${RUN_LABEL}=${d.runId}`] });
  const [net] = await api.listNetworks({ filters });
  if (!net) throw new Error(`docker agents: no network of run ${d.runId}`);
  const gateway = net.IPAM?.Config?.[0]?.Gateway;
  if (!gateway) throw new Error(`docker agents: network ${net.Name} has no gateway address`);
  const targets = new Map<number, { host: string; port: number }>();
  for (const c of await api.listContainers({ filters })) {
    const ip = c.NetworkSettings?.Networks?.[net.Name]?.IPAddress;
    if (!ip) continue;
    for (const port of c.Ports ?? [])
      if (port.PublicPort) targets.set(port.PublicPort, { host: ip, port: port.PrivatePort });
  }
  return { runId: d.runId, network: net.Name, gateway, targets };
}

export class DockerLauncher implements Launcher {
  readonly kind = 'docker';
  private readonly containers: Docker.Container[] = [];

  constructor(
    private readonly placement: DockerPlacement,
    private readonly image: string,
  ) {}

  static async forRun(d: Deployment, settings: LoadSettings): Promise<DockerLauncher> {
    return new DockerLauncher(await placementFor(d), settings.image ?? IMAGES.node);
  }

  controllerAddress(): Promise<{ bind: string; advertise: string }> {
    return Promise.resolve({ bind: this.placement.gateway, advertise: this.placement.gateway });
  }

  /** Targets as the containers see them; no source pool (127.100.x.y is the container's own loopback). */
  agentPlan(plan: LoadPlan): LoadPlan {
    const { sourcePool: _unused, ...rest } = plan;
    return {
      ...rest,
      targets: plan.targets.map((t) => {
        const inside = this.placement.targets.get(t.port);
        if (!inside) throw new Error(`docker agents: no container publishes host port ${t.port} on the run's network`);
        return { ...t, ...inside };
      }),
    };
  }

  async launch(spec: LaunchSpec, onExit: (index: number, why: string) => void): Promise<void> {
    const app = appMounts();
    const api = docker();
    for (let k = 0; k < spec.count; k++) {
      const c = await api.createContainer(agentContainer(spec, k, this.placement, this.image, app));
      this.containers.push(c);
      await c.start();
      c.wait().then(
        (r: { StatusCode?: number }) => onExit(k, `container exited (${r.StatusCode ?? '?'})`),
        (err: Error) => onExit(k, `container: ${err.message}`),
      );
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
    this.containers.length = 0;
  }
}
