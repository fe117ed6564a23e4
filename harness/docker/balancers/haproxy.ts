/**
 * HAProxy in a container, running the user's config with the same mapping rule as locally: `server` addresses →
 * node aliases on the run network (unmapped → refused, naming the line), frontends keep their port inside the
 * container and are published on fixed 127.0.0.1 ports, and the harness's observation-only runtime API is appended
 * as `stats socket ipv4@0.0.0.0:19999`, published too (read as `ipv4@127.0.0.1:<port>`). The node aliases are also
 * pinned in `/etc/hosts`, so a reload while a node is down still resolves it (Docker's DNS drops stopped containers).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import { endpointsFromBinds, type BalancerHandle } from '../../balancer/balancer.js';
import { addressRewritesOf, mapHaproxyConfig, type MappedHaproxyConfig } from '../../balancer/haproxy/map-config.js';
import { certificateMapOf } from '../../balancer/haproxy/local.js';
import { HaproxyView, runtimeCommand } from '../../balancer/haproxy/runtime-api.js';
import { haproxyFacts } from '../../balancer/haproxy/facts.js';
import { HAPROXY_CFG_PATH } from '../images.js';
import { docker } from '../engine.js';
import { PUBLISH_HOST } from '../net-container.js';
import { startRunContainer } from '../run-container.js';
import { ProbeWaitStrategy } from '../waits.js';
import { waitFor } from '../../util/wait.js';
import type { ContainerFile } from '../brokers/types.js';
import type { DockerBalancerStartSpec } from './index.js';
import { containerMapping } from './container-mapping.js';
import { containerLimits, fallbackContainerLimits, isUlimitRefusal, type ContainerLimits } from './container-limits.js';
import { haproxyFdNeeds } from '../../balancer/haproxy/fit-machine.js';
import { parseHaproxyCfg } from '../../balancer/haproxy/parse.js';
import { describeMachineFit, type MachineLimits } from '../../balancer/machine-limits.js';
import { progress } from '../../util/progress.js';
import { logFailure } from '../../util/best-effort.js';

/** Container port of the appended runtime API. */
export const HAPROXY_API_PORT = 19999;

/** Maps the user's config for a container: upstreams → `<alias>:<port>`, binds keep their port unless taken. */
export async function mapForContainer(
  spec: Pick<DockerBalancerStartSpec, 'configFile' | 'explicitMap' | 'nodes' | 'tls'>,
  machine?: MachineLimits,
): Promise<MappedHaproxyConfig> {
  return mapHaproxyConfig(readFileSync(spec.configFile, 'utf8'), spec.configFile, {
    ...containerMapping(spec, HAPROXY_API_PORT),
    statsSocket: `ipv4@0.0.0.0:${HAPROXY_API_PORT}`,
    // socket binds move to the container's /tmp (the user's paths do not exist there and are never touched)
    socketDir: '/tmp',
    certificates: certificateMapOf(spec.tls),
    ...(machine ? { machine } : {}),
  });
}

/** The container's `nofile` and the limits the config is fitted to, from what the user's config asks for. */
export function haproxyContainerLimits(configFile: string, fallback = false): ContainerLimits {
  const needs = haproxyFdNeeds(parseHaproxyCfg(readFileSync(configFile, 'utf8'), configFile));
  return fallback ? fallbackContainerLimits(needs) : containerLimits(needs);
}

/** The run's TLS files, at the same absolute paths inside the container (the mapped config names them). */
function tlsFiles(tls: DockerBalancerStartSpec['tls']): ContainerFile[] {
  if (!tls) return [];
  const paths = new Set([tls.cert, tls.key, tls.combined, tls.crtList, tls.clientCa, tls.ca].filter(Boolean));
  return [...paths].map((p) => ({ source: p, target: p, mode: 0o644 }));
}

/** HAProxy's alerts from a failed start, with the container's config path replaced by the user's file. */
function explainStartFailure(err: Error, userFile: string): Error {
  const text = err.message.replaceAll(HAPROXY_CFG_PATH, userFile);
  const alert = text.split('\n').find((l) => /ALERT/.test(l));
  if (!alert) return err;
  const line = /:(\d+)\]/.exec(alert)?.[1];
  return new ConfigError(
    `HAProxy (container) rejected the config: ${alert.replace(/^.*?\[ALERT\]\s*\(\d+\)\s*:\s*/, '').trim()}`,
    userFile,
    line ? Number(line) : undefined,
    'fix that line; the last log lines of the container are in the run directory (MQTT_LB_KEEP_RUN_DIR=1)',
  );
}

async function showInfo(api: string): Promise<{ pid: string; version: string } | undefined> {
  const info = await runtimeCommand(api, 'show info', 1000).catch(() => ''); // not answering yet: not ready
  const pid = /^Pid: (\d+)/m.exec(info)?.[1];
  return pid ? { pid, version: /^Version: (\S+)/m.exec(info)?.[1] ?? 'unknown' } : undefined;
}

export async function startDockerHaproxy(spec: DockerBalancerStartSpec): Promise<BalancerHandle> {
  try {
    return await startWithLimits(spec, haproxyContainerLimits(spec.configFile));
  } catch (err) {
    if (!isUlimitRefusal(err as Error)) throw err;
    return startWithLimits(spec, haproxyContainerLimits(spec.configFile, true));
  }
}

async function startWithLimits(spec: DockerBalancerStartSpec, box: ContainerLimits): Promise<BalancerHandle> {
  const mapped = await mapForContainer(spec, box.limits);
  const fitted = mapped.machineFit && describeMachineFit('HAProxy (container)', mapped.machineFit);
  if (fitted) progress(fitted);
  const containerPorts = [...new Set([...mapped.binds.map((b) => b.port), HAPROXY_API_PORT])];
  const container = await startRunContainer(
    {
      name: 'haproxy',
      image: spec.image.image,
      aliases: ['haproxy'],
      files: [{ content: mapped.text, target: HAPROXY_CFG_PATH, mode: 0o644 }, ...tlsFiles(spec.tls)],
      ports: containerPorts,
      extraHosts: spec.nodeHosts,
      ...(box.nofile ? { nofile: box.nofile } : {}),
      wait: new ProbeWaitStrategy(
        'the HAProxy runtime API to answer',
        async (bound) => (await showInfo(`ipv4@${PUBLISH_HOST}:${bound.getBinding(HAPROXY_API_PORT)}`)) !== undefined,
      ).withStartupTimeout(20_000),
    },
    spec.network,
    spec.runDir,
  ).catch((err: Error) => {
    throw explainStartFailure(err, spec.configFile);
  });
  const api = `ipv4@${PUBLISH_HOST}:${container.hostPort(HAPROXY_API_PORT)}`;
  const version = (await showInfo(api))?.version ?? 'unknown';
  const hostBinds = mapped.binds.map((b) => ({ ...b, host: PUBLISH_HOST, port: container.hostPort(b.port) }));
  return {
    info: {
      kind: 'haproxy',
      version: `${version} (${spec.image.image})`,
      configFile: spec.configFile,
      configAsRun: mapped.text,
      mapping: mapped.mapping,
      ...(mapped.machineFit ? { machineFit: mapped.machineFit } : {}),
      ...(addressRewritesOf(mapped).length ? { addressRewrites: addressRewritesOf(mapped) } : {}),
    },
    view: new HaproxyView(api, mapped.mapping),
    facts: haproxyFacts(mapped.parsed, mapped.mapping),
    endpoints: endpointsFromBinds(
      hostBinds,
      mapped.mapping,
      { kind: 'haproxy-runtime-api', address: api },
      spec.configFile,
    ),
    async reload() {
      // master-worker (-W): SIGUSR2 re-reads the config and starts a new worker; the old one keeps its connections.
      const before = await showInfo(api);
      await docker().getContainer(container.id).kill({ signal: 'SIGUSR2' });
      await waitFor(
        async () => {
          const now = await showInfo(api);
          return now !== undefined && now.pid !== before?.pid;
        },
        { timeoutMs: 15_000, intervalMs: 50, what: 'the reloaded HAProxy worker to answer on the runtime API' },
      );
    },
    async stop() {
      await docker()
        .getContainer(container.id)
        .remove({ force: true, v: true })
        .catch(logFailure('removing the balancer container', "the run's label sweep removes it"));
    },
  };
}
