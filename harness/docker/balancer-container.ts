/**
 * Any balancer kind as a container on the run network, with the same mapping rule as locally: upstreams → node
 * aliases on the network (unmapped → refused, naming the line); binds on 0.0.0.0 keep their written port unless
 * another bind already has it or it is the kind's admin port (then 20000 and up), and are published on fixed
 * 127.0.0.1 ports together with the admin port. The mapped config goes to the kind's config path, its other files
 * (certificates) at their paths; node aliases are pinned in `/etc/hosts`, so health checks and reloads resolve a
 * stopped node (Docker's DNS drops stopped containers). Ready when the kind's probe answers on the published admin port.
 */
import { readFileSync } from 'node:fs';
import type { StartedNetwork } from 'testcontainers';
import { endpointsFromBinds, type BalancerHandle, type BalancerStartSpec } from '../balancer/balancer.js';
import type { BalancerKind, MappedConfig, Placement } from '../balancer/kind.js';
import { describeMachineFit, type MachineLimits } from '../balancer/machine-limits.js';
import type { ImageChoice } from './image-choice.js';
import { docker } from './engine.js';
import { PUBLISH_HOST } from './net-container.js';
import { startRunContainer } from './run-container.js';
import { ProbeWaitStrategy } from './waits.js';
import { containerLimits, fallbackContainerLimits, isUlimitRefusal, type ContainerLimits } from './container-limits.js';
import { waitFor } from '../util/wait.js';
import { progress } from '../util/progress.js';
import { logFailure } from '../util/best-effort.js';
import { waitForNewPid } from '../balancer/reload-confirm.js';

export interface DockerBalancerStartSpec extends Omit<BalancerStartSpec, 'bindHost'> {
  network: StartedNetwork;
  image: ImageChoice;
  /** Node aliases and their addresses on the run network (they stay fixed across restarts). */
  nodeHosts: { host: string; ipAddress: string }[];
  /** Host directory holding the staged program when `image.appEntry` is set. */
  appDir?: string;
}

/** Where the staged program goes on a plain Node base image. */
const APP_DIR = '/app';

/** The container placement: upstreams → `<alias>:<port>`, binds on 0.0.0.0 apart from each other and the admin port. */
export function containerPlacement(
  kind: Pick<BalancerKind, 'container'>,
  spec: Pick<DockerBalancerStartSpec, 'explicitMap' | 'nodes' | 'tls'>,
  machine?: MachineLimits,
): Placement {
  const byName = new Map(spec.nodes.map((n) => [n.name, n]));
  const reserved = kind.container.adminPort;
  let next = 20000;
  return {
    nodeNames: spec.nodes.map((n) => n.name),
    explicit: spec.explicitMap,
    resolve: (node, port) => ({ host: byName.get(node)!.upstreamMqtt.host, port }),
    placeBind: async (port, used) => {
      let p = port;
      while (used.has(`0.0.0.0:${p}`) || p === reserved) p = next++;
      return { host: '0.0.0.0', port: p };
    },
    admin: { host: '0.0.0.0', port: async () => reserved },
    // socket binds move to the container's /tmp (the user's paths do not exist there and are never touched)
    socketDir: '/tmp',
    runDir: '/tmp',
    ...(spec.tls ? { tls: spec.tls } : {}),
    ...(machine ? { machine } : {}),
  };
}

/** Maps the user's config for the kind's container (unit-tested without an engine). */
export async function mapForContainer<M extends MappedConfig>(
  kind: BalancerKind<M>,
  spec: Pick<DockerBalancerStartSpec, 'configFile' | 'explicitMap' | 'nodes' | 'tls'>,
  machine?: MachineLimits,
): Promise<M> {
  return kind.map(readFileSync(spec.configFile, 'utf8'), spec.configFile, containerPlacement(kind, spec, machine));
}

/** The container's `nofile` and the limits the config is fitted to; undefined for a kind that sizes nothing. */
export function kindContainerLimits(
  kind: BalancerKind,
  configFile: string,
  fallback = false,
): ContainerLimits | undefined {
  if (!kind.container.fdNeeds) return undefined;
  const needs = kind.container.fdNeeds(configFile);
  return fallback ? fallbackContainerLimits(needs) : containerLimits(needs);
}

export async function startBalancerContainer(
  kind: BalancerKind,
  spec: DockerBalancerStartSpec,
): Promise<BalancerHandle> {
  try {
    return await startWithLimits(kind, spec, kindContainerLimits(kind, spec.configFile));
  } catch (err) {
    if (!kind.container.fdNeeds || !isUlimitRefusal(err as Error)) throw err;
    return startWithLimits(kind, spec, kindContainerLimits(kind, spec.configFile, true));
  }
}

async function startWithLimits(
  kind: BalancerKind,
  spec: DockerBalancerStartSpec,
  box: ContainerLimits | undefined,
): Promise<BalancerHandle> {
  const recipe = kind.container;
  const mapped = await mapForContainer(kind, spec, box?.limits);
  const fitted = mapped.machineFit && describeMachineFit(`${kind.title} (container)`, mapped.machineFit);
  if (fitted) progress(fitted);
  const containerPorts = [...new Set([...mapped.binds.map((b) => b.port), recipe.adminPort])];
  const files = [
    { content: mapped.text, target: recipe.cfgPath, mode: 0o644 },
    ...recipe.files(mapped, spec.configFile, spec.tls),
  ];
  const onNodeBase = spec.image.appEntry && spec.appDir;
  const published = (port: number) => ({ host: PUBLISH_HOST, port });
  const container = await startRunContainer(
    {
      name: kind.name,
      image: spec.image.image,
      aliases: [kind.name],
      ...(onNodeBase
        ? {
            entrypoint: ['node', `${APP_DIR}/${spec.image.appEntry}`],
            directories: [{ source: spec.appDir!, target: APP_DIR }],
          }
        : {}),
      ...(recipe.command ? { command: recipe.command } : {}),
      ...(recipe.env ? { env: recipe.env } : {}),
      files,
      ports: containerPorts,
      extraHosts: spec.nodeHosts,
      ...(box?.nofile ? { nofile: box.nofile } : {}),
      wait: new ProbeWaitStrategy(
        `the ${kind.adminTitle} to answer`,
        async (bound) =>
          (await kind.probe(kind.adminAddress(mapped, published(bound.getBinding(recipe.adminPort))), mapped)) !==
          undefined,
      ).withStartupTimeout(20_000),
    },
    spec.network,
    spec.runDir,
  ).catch((err: Error) => {
    throw kind.explainStartFailure(err, mapped, spec.configFile, 'container');
  });
  const admin = kind.adminAddress(mapped, published(container.hostPort(recipe.adminPort)));
  const version = (await kind.probe(admin, mapped))?.version ?? recipe.versionFallback;
  const hostBinds = mapped.binds.map((b) => ({ ...b, host: PUBLISH_HOST, port: container.hostPort(b.port) }));
  const logFile = spec.runDir.logFile(`docker-${kind.name}`);
  const rewrites = kind.addressRewrites?.(mapped) ?? [];
  return {
    info: {
      kind: kind.name,
      version: `${version} (${spec.image.image})`,
      configFile: spec.configFile,
      configAsRun: mapped.text,
      mapping: mapped.mapping,
      ...(mapped.machineFit ? { machineFit: mapped.machineFit } : {}),
      ...(rewrites.length ? { addressRewrites: rewrites } : {}),
    },
    view: kind.view(admin, mapped),
    facts: kind.facts(mapped, spec.configFile),
    endpoints: endpointsFromBinds(
      hostBinds,
      mapped.mapping,
      { kind: kind.adminEndpoint, address: admin },
      spec.configFile,
    ),
    async reload() {
      const { signal, confirm } = recipe.reload;
      if ('logLine' in confirm) {
        const logText = (): string => readFileSync(logFile, 'utf8');
        const mark = logText().length;
        await docker().getContainer(container.id).kill({ signal });
        const line = await waitFor(
          () =>
            logText()
              .slice(mark)
              .split('\n')
              .find((l) => confirm.logLine.test(l)),
          { timeoutMs: confirm.timeoutMs, intervalMs: 50, what: `${kind.title} to ${confirm.what} (${logFile})` },
        );
        if (confirm.failed.test(line)) throw new Error(`${kind.title} reload failed: ${line}`);
        return;
      }
      const before = await kind.probe(admin, mapped);
      await docker().getContainer(container.id).kill({ signal });
      await waitForNewPid(kind, admin, mapped, before, confirm);
    },
    async fault(verb) {
      const c = docker().getContainer(container.id);
      if (verb === 'kill') {
        await c.kill({ signal: 'SIGKILL' });
        await waitFor(async () => !(await c.inspect()).State.Running, {
          timeoutMs: 10_000,
          intervalMs: 50,
          what: `the ${kind.title} container to stop after SIGKILL`,
        });
        return;
      }
      if ((await c.inspect()).State.Running) return;
      await c.start();
      // the published host ports are fixed at creation, so the admin address and the endpoints stay valid
      await waitFor(async () => (await kind.probe(admin, mapped)) !== undefined, {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: `the restarted ${kind.title} container's ${kind.adminTitle} to answer`,
      });
    },
    async stop() {
      await docker()
        .getContainer(container.id)
        .remove({ force: true, v: true })
        .catch(logFailure('removing the balancer container', "the run's label sweep removes it"));
    },
  };
}
