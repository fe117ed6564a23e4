/**
 * The docker runtime: one user-defined network per run, broker nodes and balancers as containers reachable by
 * alias inside it and through fixed published ports on 127.0.0.1 from the harness. Everything carries the run id
 * label and is removed in `stop()`; by the run's reaper when this process ends any other way (reaper.ts); by the
 * SIGINT/SIGTERM handler (synchronously, where signals reach us); and, for runs whose owner process died without
 * either, at the next start. Works with Ryuk off (env.ts) or on.
 */
import './env.js';
import type { StartedNetwork } from 'testcontainers';
import type { ClusterHandle, ClusterSpec, Runtime } from '../runtime/runtime.js';
import type { BalancerHandle, BalancerStartSpec } from '../balancer/balancer.js';
import type { Profile } from '../profile/schema.js';
import type { RunDir } from '../proc/run-dir.js';
import { trackRun } from '../proc/signals.js';
import { ConfigError } from '../errors.js';
import { dockerAvailable, ownerProcessAlive, sweepRun, sweepStaleRuns } from './engine.js';
import { startRunNetwork } from './net-container.js';
import {
  chooseImage,
  ensureImages,
  imagesUnavailable,
  rolesFor,
  type ImageChoice,
  type ImageRole,
} from './image-choice.js';
import { dockerBrokerKinds } from './brokers/index.js';
import { BALANCER_KINDS, balancerKind } from '../balancer/kinds.js';
import { startBalancerContainer } from './balancer-container.js';
import { DockerCluster } from './cluster.js';
import { stageApp } from './app-stage.js';
import { startReaper, sweepRunSync, type Reaper } from './reaper.js';
import type { NodeInfo } from '../types.js';
import type { FaultHop } from '../netfault/hop/fault-hop.js';
import { startDockerHop } from '../netfault/hop/docker-hop.js';

export class DockerRuntime implements Runtime {
  readonly name = 'docker' as const;
  private network: StartedNetwork | undefined;
  private cluster: DockerCluster | undefined;
  /** The fault hop's aliases and addresses (profile `faults.hop`): the balancer pins them in its `/etc/hosts`. */
  private hopHosts: { host: string; ipAddress: string }[] = [];
  private readonly untrack: () => void;

  constructor(
    readonly runDir: RunDir,
    private readonly images: ReadonlyMap<ImageRole, ImageChoice>,
    private readonly say: (m: string) => void,
    private readonly reaper: Reaper,
  ) {
    this.untrack = trackRun(runDir, () => sweepRunSync(runDir.runId));
  }

  private image(role: ImageRole): ImageChoice {
    const c = this.images.get(role);
    if (!c) throw new Error(`no image chosen for ${role}`);
    return c;
  }

  private appDir(c: ImageChoice): string | undefined {
    return c.appEntry ? stageApp(c.appEntry, this.runDir.dir('app', c.role)) : undefined;
  }

  async startCluster(spec: ClusterSpec): Promise<ClusterHandle> {
    const kind = dockerBrokerKinds[spec.kind];
    if (!kind)
      throw new ConfigError(
        `broker kind '${spec.kind}' is not available on the docker runtime (kinds: ${Object.keys(dockerBrokerKinds).join(', ')})`,
      );
    const t0 = Date.now();
    this.network ??= await startRunNetwork(this.runDir.runId);
    const image = this.image(kind.images.node.role);
    const def = kind.define({
      runId: this.runDir.runId,
      nodes: spec.nodes,
      image: image.image,
      trustProxy: spec.trustProxy,
      heartbeatMs: spec.heartbeatMs,
      ...(spec.tls ? { tls: spec.tls } : {}),
      appDir: this.appDir(image),
      serviceImage: kind.images.service ? this.image(kind.images.service.role).image : undefined,
      apiAuth: process.env.MQTT_LB_EMQX_API_AUTH === 'login' ? 'login' : 'api-key',
    });
    const cluster = new DockerCluster(kind, def, image.image, this.network, this.runDir);
    try {
      await cluster.start(this.say);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    this.cluster = cluster;
    this.say(`docker cluster up in ${Date.now() - t0} ms on network ${this.network.getName()}`);
    return cluster;
  }

  async startBalancer(spec: Omit<BalancerStartSpec, 'runDir' | 'bindHost'>): Promise<BalancerHandle> {
    if (!this.cluster || !this.network) throw new Error('startCluster must run before startBalancer');
    const kind = balancerKind(spec.kind);
    if (!kind)
      throw new ConfigError(
        `balancer kind '${spec.kind}' is not available on the docker runtime (kinds: ${Object.keys(BALANCER_KINDS).join(', ')})`,
      );
    const image = this.image(kind.name as ImageRole);
    const nodeHosts = [
      ...this.cluster.containers().map(({ alias, container }) => ({ host: alias, ipAddress: container.ipAddress() })),
      ...this.hopHosts,
    ];
    const t0 = Date.now();
    const lb = await startBalancerContainer(kind, {
      ...spec,
      runDir: this.runDir,
      network: this.network,
      image,
      nodeHosts,
      appDir: this.appDir(image),
    });
    // Network faults on a node cut its link to the balancer (named as startRunContainer names it), checks included.
    this.cluster.faultLinkTo(`mqtt-lb-${this.runDir.runId}-${kind.name}`, 'the balancer');
    this.say(`${spec.kind} container up in ${Date.now() - t0} ms (${image.image})`);
    return lb;
  }

  /** The fault hop: a TS-proxy container per node on the run network (`hop-<node>`), started before the balancer. */
  async startHop(nodes: readonly NodeInfo[]): Promise<FaultHop> {
    if (!this.cluster || !this.network) throw new Error('startCluster must run before startHop');
    const image = this.image('ts-proxy');
    const t0 = Date.now();
    const hop = await startDockerHop({
      runDir: this.runDir,
      network: this.network,
      image,
      appDir: this.appDir(image),
      nodes,
      containers: this.cluster.containers().map((c) => ({
        node: c.node,
        alias: c.alias,
        ipAddress: c.container.ipAddress(),
        ports: c.ports,
      })),
    });
    this.hopHosts = hop.hosts;
    this.say(`fault hop: ${hop.hosts.length} TS-proxy container(s) up in ${Date.now() - t0} ms (${image.image})`);
    return hop;
  }

  async stop(): Promise<void> {
    const r = await sweepRun(this.runDir.runId);
    if (r.errors.length) this.say(`docker cleanup of run ${this.runDir.runId}: ${r.errors.join('; ')}`);
    this.network = undefined;
    this.cluster = undefined;
    this.hopHosts = [];
    this.untrack();
    this.reaper.dismiss();
  }
}

/** The `runtimeFactories.docker` entry: checks the engine and images (auto: answers why not; docker: pulls). */
export async function createDockerRuntime(
  profile: Profile,
  runDir: RunDir,
  say: (m: string) => void,
): Promise<DockerRuntime | { unavailable: string }> {
  const engine = await dockerAvailable(1500);
  if (!engine.ok) return { unavailable: `no Docker engine answers (${engine.reason})` };
  if (!dockerBrokerKinds[profile.broker.kind])
    return { unavailable: `broker kind '${profile.broker.kind}' has no container definition` };
  if (!balancerKind(profile.balancer.kind))
    return { unavailable: `balancer kind '${profile.balancer.kind}' has no container on the docker runtime yet` };
  const roles = rolesFor(profile.broker, profile.balancer);
  // the fault hop (profile `faults.hop`) runs TS-proxy containers, whatever the balancer
  if (profile.faults.hop && !roles.some((r) => r.role === 'ts-proxy')) roles.push({ role: 'ts-proxy' });
  const choices = await Promise.all(roles.map((r) => chooseImage(r.role, r.explicit)));
  if (profile.runtime === 'auto') {
    const why = await imagesUnavailable(choices);
    if (why) return { unavailable: why };
  }
  await ensureImages(choices, say);
  const stale = await sweepStaleRuns(ownerProcessAlive);
  if (stale.swept.length)
    say(`removed the containers and networks of ${stale.swept.length} crashed run(s): ${stale.swept.join(', ')}`);
  say(
    `docker runtime: engine ${engine.version}; ${choices.map((c) => `${c.role} ${c.image} (${c.source}${c.appEntry ? ', app copied in' : ''})`).join(', ')}`,
  );
  return new DockerRuntime(runDir, new Map(choices.map((c) => [c.role, c])), say, await startReaper(runDir.runId));
}
