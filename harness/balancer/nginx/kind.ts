/**
 * NGINX (open source) as a balancer kind: the user's nginx.conf run unmodified apart from the mapping rules
 * (./map-config.ts: upstreams → nodes, listens → the run's address, pid/logs into the run directory, the stream
 * module loaded once), plus a `stub_status` page on the admin port — the only view NGINX offers (./view.ts: totals,
 * never per-server state). Locally the Debian `nginx` binary in the foreground (`daemon off`), validated with
 * `nginx -t`; in a container mqtt-lb/nginx. Reload: SIGHUP, confirmed by the new workers' "start worker process".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BalancerKind, KindFile, MappedConfig, Placement } from '../kind.js';
import type { BalancerTls } from '../../pki/run-tls.js';
import { dryPlacement } from '../dry-placement.js';
import { mapNginxConfig, nginxAddressRewrites, nginxArgs, type MappedNginxConfig } from './map-config.js';
import type { NginxListen } from './map-listen.js';
import { nginxFacts } from './facts.js';
import { NGINX_APT, nginxBuild, nginxVersion, validateNginxConfig } from './binary.js';
import { fetchStubStatus, NGINX_VIEW_LACKS, NginxView, readPidFile } from './view.js';
import { explainNginxStartFailure, NGINX_CFG_PATH } from './start-failure.js';
import { NGINX_REMEDIES } from './remedies.js';

/** Container port of the harness's stub_status page. */
export const NGINX_STATUS_PORT = 19888;
/** Path of the harness's stub_status page. */
export const NGINX_STATUS_PATH = '/mqtt-lb-status';
/** The container's run directory (pid file, logs): Placement.runDir of the container placement. */
const CONTAINER_RUN_DIR = '/tmp';

export interface MappedNginxRun extends MappedNginxConfig, MappedConfig {
  binds: NginxListen[];
  /** The harness's stub_status page, as mapped. */
  admin: { host: string; port: number; path: string };
  /** The run directory nginx was given (`-p`). */
  runDir: string;
}

/** Maps onto a placement: the stream module as this machine's `nginx -V` says; in a container (or without nginx
 *  here) Debian's layout, which the mqtt-lb/nginx image has. */
async function mapNginxAt(text: string, file: string, at: Placement): Promise<MappedNginxRun> {
  const runDir = at.runDir ?? '/nonexistent';
  const inContainer = runDir === CONTAINER_RUN_DIR;
  const build = inContainer ? undefined : await nginxBuild().catch(() => undefined); // not installed: Debian's
  const admin = { host: at.admin.host, port: await at.admin.port(), path: NGINX_STATUS_PATH };
  const mapped = await mapNginxConfig(text, file, {
    nodeNames: at.nodeNames,
    explicit: at.explicit,
    resolve: at.resolve,
    placeBind: (port, used) => at.placeBind(port, used),
    runDir,
    ...(build ? { streamModule: build.streamModule, prefix: build.prefix } : {}),
    ...(at.tls ? { tls: at.tls } : {}),
    ...(at.machine ? { machine: at.machine } : {}),
    adminStatus: admin,
    stderrLog: true,
  });
  return { ...mapped, binds: mapped.listens, admin, runDir };
}

/** The run's TLS files, at the same absolute paths inside the container (the mapped config names them). */
function tlsFiles(tls: BalancerTls | undefined): KindFile[] {
  if (!tls) return [];
  const paths = new Set([tls.cert, tls.key, tls.clientCa, tls.ca].filter(Boolean));
  return [...paths].map((p) => ({ source: p, target: p, mode: 0o644 }));
}

/** Confirms a SIGHUP reload: new workers started, or the master's error for the new config. */
const RELOADED = /start worker process|\[(emerg|alert|crit)\]/;
const RELOAD_FAILED = /\[(emerg|alert|crit)\]/;

export const nginxKind: BalancerKind<MappedNginxRun> = {
  name: 'nginx',
  title: 'NGINX',
  adminTitle: 'NGINX stub_status page',
  adminEndpoint: 'nginx-stub-status',
  map: mapNginxAt,
  facts: (mapped) => nginxFacts(mapped),
  addressRewrites: nginxAddressRewrites,
  adminAddress: (mapped, at) =>
    `http://${at?.host ?? mapped.admin.host}:${at?.port ?? mapped.admin.port}${mapped.admin.path}`,
  view: (admin) => new NginxView(admin),
  viewLacks: NGINX_VIEW_LACKS,
  // Ready: the master wrote its pid file and a worker answers the stub_status page (locally: the pid file's pid;
  // in a container, where the file is not readable from here, the answering worker's).
  async probe(admin, mapped) {
    const got = await fetchStubStatus(admin);
    if (!got) return undefined;
    const pid = readPidFile(mapped.pidFile) ?? got.workerPid;
    return { pid, version: await nginxVersion().catch(() => 'unknown') };
  },
  async preflight(file, nodes, explicit, tls) {
    await nginxKind.map(readFileSync(file, 'utf8'), file, dryPlacement(nodes, explicit, tls ? { tls } : {}));
  },
  explainStartFailure: (err, mapped, userFile, where) =>
    explainNginxStartFailure(
      err,
      where === 'container' ? NGINX_CFG_PATH : path.join(mapped.runDir, nginxKind.process.configName),
      userFile,
    ),
  remedies: NGINX_REMEDIES,
  process: {
    configName: 'nginx.conf',
    version: () => nginxVersion(),
    program: {
      name: 'nginx',
      bin: 'nginx',
      args: ['-v'],
      version: /nginx\/(\S+)/,
      apt: NGINX_APT,
      required: false,
    },
    // nginx logs (`error_log stderr notice`, added by the mapping) on stderr; the harness reads a process's lines on
    // stdout: `sh -c 'exec nginx … 2>&1'` (exec: the process the harness holds is nginx's master itself).
    launch: (cfgFile) => ({
      command: 'sh',
      aptPackage: NGINX_APT,
      args: ['-c', 'exec "$0" "$@" 2>&1', 'nginx', ...nginxArgs(cfgFile, path.dirname(cfgFile))],
    }),
    validate: (cfgFile, userFile) => validateNginxConfig(cfgFile, userFile, path.dirname(cfgFile)),
    ready: 'probe',
    reload: {
      signal: 'SIGHUP',
      confirm: { logLine: RELOADED, failed: RELOAD_FAILED, timeoutMs: 10_000, what: 'start new workers after SIGHUP' },
    },
    // SIGTERM is a fast shutdown (connections closed at once); the workers exit with the master.
    stopGraceMs: 3000,
  },
  container: {
    cfgPath: NGINX_CFG_PATH,
    adminPort: NGINX_STATUS_PORT,
    image: { env: 'MQTT_LB_NGINX_IMAGE', built: 'nginx', official: 'nginx:1.22' },
    command: ['nginx', ...nginxArgs(NGINX_CFG_PATH, CONTAINER_RUN_DIR)],
    files: (_mapped, _userFile, tls) => tlsFiles(tls),
    reload: {
      signal: 'SIGHUP',
      confirm: { logLine: RELOADED, failed: RELOAD_FAILED, timeoutMs: 15_000, what: 'start new workers after SIGHUP' },
    },
    versionFallback: 'unknown',
  },
};
