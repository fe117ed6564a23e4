/**
 * TS-proxy (proxy/, built to dist/proxy/main.js) as a balancer kind: the user's YAML run with the address mapping
 * applied, observed through its admin API (always on: it moves to a free loopback port locally, container port 19404
 * in a container); locally a child process of this Node, in a container mqtt-lb/ts-proxy or the built program on a
 * plain Node image. Reload: SIGHUP, confirmed by the proxy's `reloaded` / `reload-failed` log line.
 */
import { readFileSync } from 'node:fs';
import type { BalancerKind } from '../kind.js';
import { builtFile } from '../../util/project-root.js';
import { TS_PROXY_VERSION } from '../../../proxy/version.js';
import { mapTsProxyConfig, type MappedTsProxyConfig } from './map-config.js';
import { dryPlacement } from '../dry-placement.js';
import { tsProxyFacts } from './facts.js';
import { TsProxyView } from './admin-view.js';
import { explainContainerStartFailure, tlsFilesOf, TS_PROXY_CFG_PATH } from './container-files.js';
import { tsProxyTlsBlock } from './tls-block.js';
import { TS_PROXY_REMEDIES } from './remedies.js';

/** Container port of the admin API. */
export const TS_PROXY_ADMIN_PORT = 19404;

/** `GET /api/status` on the admin API; undefined while not answering. */
async function adminStatus(base: string, token: string | null): Promise<{ version: string; pid: number } | undefined> {
  const res = await fetch(`${base}/api/status`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(1000),
  }).catch(() => undefined); // not answering yet: not ready
  if (!res?.ok) return undefined;
  return (await res.json()) as { version: string; pid: number };
}

const RELOADED = /"event":"(reloaded|reload-failed)"/;

export const tsProxyKind: BalancerKind<MappedTsProxyConfig> = {
  name: 'ts-proxy',
  title: 'TS-proxy',
  adminTitle: 'TS-proxy admin API',
  adminEndpoint: 'ts-proxy-admin',
  map: (text, file, at) =>
    mapTsProxyConfig(text, file, {
      nodeNames: at.nodeNames,
      explicit: at.explicit,
      resolve: at.resolve,
      placeBind: (port, used) => at.placeBind(port, used),
      placeAdmin: async () => ({ host: at.admin.host, port: await at.admin.port() }),
      tls: at.tls,
    }),
  facts: (mapped, file) => tsProxyFacts(mapped.config, mapped.mapping, file),
  adminAddress: (mapped, at) => `http://${at?.host ?? mapped.admin.host}:${at?.port ?? mapped.admin.port}`,
  view: (admin, mapped) => new TsProxyView(admin, mapped.admin.token, mapped.mapping),
  probe: (admin, mapped) => adminStatus(admin, mapped.admin.token),
  async preflight(file, nodes, explicit) {
    await tsProxyKind.map(readFileSync(file, 'utf8'), file, dryPlacement(nodes, explicit));
  },
  explainStartFailure: (err, _mapped, userFile, where) =>
    where === 'container' ? explainContainerStartFailure(err, userFile) : err,
  remedies: TS_PROXY_REMEDIES,
  // Offload: the frontend's `tls:` block holds every TLS setting (not the bind line).
  tlsSettingsAt: tsProxyTlsBlock,
  process: {
    configName: 'ts-proxy.yaml',
    version: async () => TS_PROXY_VERSION,
    launch: (cfgFile) => ({ command: process.execPath, args: [builtFile('proxy/main.js'), '--config', cfgFile] }),
    ready: {
      logLines: (mapped) => [
        ...mapped.binds.map((b) => new RegExp(`"event":"listening".*"frontend":"${b.frontend}"`)),
        /"event":"listening".*"frontend":"admin"/,
      ],
    },
    reload: {
      signal: 'SIGHUP',
      confirm: { logLine: RELOADED, failed: /reload-failed/, timeoutMs: 10_000, what: 'log "reloaded" after SIGHUP' },
    },
    stopGraceMs: 3000,
  },
  container: {
    cfgPath: TS_PROXY_CFG_PATH,
    adminPort: TS_PROXY_ADMIN_PORT,
    image: { env: 'MQTT_LB_TS_PROXY_IMAGE', built: 'tsProxy', official: 'node-base', appEntry: 'dist/proxy/main.js' },
    command: ['--config', TS_PROXY_CFG_PATH],
    env: { NODE_ENV: 'production' },
    files: (mapped, userFile) => tlsFilesOf(mapped, userFile),
    reload: {
      signal: 'SIGHUP',
      confirm: { logLine: RELOADED, failed: /reload-failed/, timeoutMs: 10_000, what: 'log "reloaded" after SIGHUP' },
    },
    versionFallback: TS_PROXY_VERSION,
  },
};
