/**
 * TS-proxy in a container, running the user's config with the same mapping rule as locally: `servers[].address` →
 * node aliases on the run network (unmapped → refused, naming the line), frontends keep their port inside the
 * container (on 0.0.0.0) and are published on fixed 127.0.0.1 ports, and the admin API (always on: the harness
 * observes through it) moves to container port 19404, published too. The mapped YAML is copied to the image's config
 * path; certificate files keep their absolute host paths inside the container. Node aliases are pinned in
 * `/etc/hosts` so health checks and reloads resolve a stopped node (Docker's DNS drops stopped containers).
 * Reload: SIGHUP to the container, confirmed by the proxy's `reloaded` / `reload-failed` log line.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { endpointsFromBinds, type BalancerHandle } from '../../balancer/balancer.js';
import { mapTsProxyConfig, type MappedTsProxyConfig } from '../../balancer/ts-proxy/map-config.js';
import { tsProxyFacts } from '../../balancer/ts-proxy/facts.js';
import { TsProxyView } from '../../balancer/ts-proxy/admin-view.js';
import { TS_PROXY_VERSION } from '../../../proxy/version.js';
import { docker } from '../engine.js';
import { PUBLISH_HOST } from '../net-container.js';
import { startRunContainer } from '../run-container.js';
import { ProbeWaitStrategy } from '../waits.js';
import { waitFor } from '../../util/wait.js';
import type { ContainerFile } from '../brokers/types.js';
import type { DockerBalancerStartSpec } from './index.js';
import { containerMapping } from './container-mapping.js';
import { logFailure } from '../../util/best-effort.js';

/** Container port of the admin API. */
export const TS_PROXY_ADMIN_PORT = 19404;
/** Where the mapped config goes (proxy/Dockerfile's CMD reads it from there). */
export const TS_PROXY_CFG_PATH = '/etc/ts-proxy/ts-proxy.yaml';
/** Where the staged program goes on a plain Node base image. */
const APP_DIR = '/app';

/** Maps the user's config for a container: servers → `<alias>:<port>`, binds keep their port unless taken. */
export async function mapTsProxyForContainer(
  spec: Pick<DockerBalancerStartSpec, 'configFile' | 'explicitMap' | 'nodes' | 'tls'>,
): Promise<MappedTsProxyConfig> {
  return mapTsProxyConfig(readFileSync(spec.configFile, 'utf8'), spec.configFile, {
    ...containerMapping(spec, TS_PROXY_ADMIN_PORT),
    placeAdmin: async () => ({ host: '0.0.0.0', port: TS_PROXY_ADMIN_PORT }),
    tls: spec.tls,
  });
}

/** Every certificate file the mapped config names (absolute after mapping), at the same path inside the container. */
export function tlsFilesOf(mapped: MappedTsProxyConfig, userFile: string): ContainerFile[] {
  const paths = new Set<string>();
  for (const f of mapped.config.frontends) {
    if (!f.tls) continue;
    for (const p of [f.tls.cert, f.tls.key, f.tls.client_ca, ...f.tls.sni.flatMap((s) => [s.cert, s.key])])
      if (p) paths.add(p);
  }
  return [...paths].map((p) => {
    if (!path.isAbsolute(p))
      throw new ConfigError(
        `certificate path '${p}' is relative after mapping`,
        userFile,
        undefined,
        'use absolute certificate paths',
      );
    if (!statSync(p, { throwIfNoEntry: false })?.isFile()) {
      const f = mapped.config.frontends.find((x) => x.tls && JSON.stringify(x.tls).includes(JSON.stringify(p)));
      throw new ConfigError(
        `certificate file ${p} does not exist on this machine (it is copied into the TS-proxy container)`,
        userFile,
        f?.line,
        'name an existing file, or let the harness generate the PKI (profile tls.pki: generated)',
      );
    }
    return { source: p, target: p, mode: 0o644 };
  });
}

async function adminStatus(base: string, token: string | null): Promise<{ version: string; pid: number } | undefined> {
  const res = await fetch(`${base}/api/status`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(1000),
  }).catch(() => undefined); // not answering yet: not ready
  if (!res?.ok) return undefined;
  return (await res.json()) as { version: string; pid: number };
}

/** TS-proxy's `start-failed` / config error from a failed start, as a ConfigError naming the user's file. */
function explainStartFailure(err: Error, userFile: string): Error {
  const text = err.message.replaceAll(TS_PROXY_CFG_PATH, userFile);
  const failed = /"event":"start-failed".*?"error":"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  const configErr = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith(`${userFile}:`));
  if (!failed && !configErr) return err;
  return new ConfigError(
    `TS-proxy (container) did not start: ${failed ? JSON.parse(`"${failed}"`) : configErr}`,
    userFile,
    undefined,
    'fix the config; the container log is in the run directory (MQTT_LB_KEEP_RUN_DIR=1)',
  );
}

export async function startDockerTsProxy(spec: DockerBalancerStartSpec): Promise<BalancerHandle> {
  const mapped = await mapTsProxyForContainer(spec);
  const containerPorts = [...new Set([...mapped.binds.map((b) => b.port), TS_PROXY_ADMIN_PORT])];
  const token = mapped.admin.token;
  const onNodeBase = spec.image.appEntry && spec.appDir;
  const container = await startRunContainer(
    {
      name: 'ts-proxy',
      image: spec.image.image,
      aliases: ['ts-proxy'],
      ...(onNodeBase
        ? {
            entrypoint: ['node', `${APP_DIR}/${spec.image.appEntry}`],
            directories: [{ source: spec.appDir!, target: APP_DIR }],
          }
        : {}),
      command: ['--config', TS_PROXY_CFG_PATH],
      env: { NODE_ENV: 'production' },
      files: [{ content: mapped.text, target: TS_PROXY_CFG_PATH, mode: 0o644 }, ...tlsFilesOf(mapped, spec.configFile)],
      ports: containerPorts,
      extraHosts: spec.nodeHosts,
      // The admin API opens after every frontend listens, so its answer means the frontends are up too.
      wait: new ProbeWaitStrategy(
        'the TS-proxy admin API to answer',
        async (bound) =>
          (await adminStatus(`http://${PUBLISH_HOST}:${bound.getBinding(TS_PROXY_ADMIN_PORT)}`, token)) !== undefined,
      ).withStartupTimeout(20_000),
    },
    spec.network,
    spec.runDir,
  ).catch((err: Error) => {
    throw explainStartFailure(err, spec.configFile);
  });
  const adminBase = `http://${PUBLISH_HOST}:${container.hostPort(TS_PROXY_ADMIN_PORT)}`;
  const version = (await adminStatus(adminBase, token))?.version ?? TS_PROXY_VERSION;
  const hostBinds = mapped.binds.map((b) => ({ ...b, host: PUBLISH_HOST, port: container.hostPort(b.port) }));
  const logFile = spec.runDir.logFile('docker-ts-proxy');
  const logText = (): string => readFileSync(logFile, 'utf8');
  return {
    info: {
      kind: 'ts-proxy',
      version: `${version} (${spec.image.image})`,
      configFile: spec.configFile,
      configAsRun: mapped.text,
      mapping: mapped.mapping,
    },
    view: new TsProxyView(adminBase, token, mapped.mapping),
    facts: tsProxyFacts(mapped.config, mapped.mapping, spec.configFile),
    endpoints: endpointsFromBinds(hostBinds, mapped.mapping, { kind: 'ts-proxy-admin', address: adminBase }),
    async reload() {
      const mark = logText().length;
      await docker().getContainer(container.id).kill({ signal: 'SIGHUP' });
      const line = await waitFor(
        () =>
          logText()
            .slice(mark)
            .split('\n')
            .find((l) => /"event":"(reloaded|reload-failed)"/.test(l)),
        {
          timeoutMs: 10_000,
          intervalMs: 50,
          what: `TS-proxy to log "reloaded" after SIGHUP (${logFile})`,
        },
      );
      if (line.includes('reload-failed')) throw new Error(`TS-proxy reload failed: ${line}`);
    },
    async stop() {
      await docker()
        .getContainer(container.id)
        .remove({ force: true, v: true })
        .catch(logFailure('removing the balancer container', "the run's label sweep removes it"));
    },
  };
}
