/**
 * HAProxy as a balancer kind: the user's haproxy.cfg run unmodified apart from the address mapping, observed through
 * an appended runtime API (a unix socket locally, `ipv4@0.0.0.0:19999` in a container); locally the Debian `haproxy`
 * binary (reload: a new process with `-x <socket> -sf <old pids>`), in a container mqtt-lb/haproxy:2.6 or the
 * official image in master-worker mode (reload: SIGUSR2, confirmed by a new worker pid on the runtime API).
 */
import { readFileSync } from 'node:fs';
import type { BalancerKind, KindFile } from '../kind.js';
import type { BalancerTls } from '../../pki/run-tls.js';
import { addressRewritesOf, type MappedHaproxyConfig } from './map-config.js';
import { mapHaproxyAt } from './placed-map.js';
import { haproxyFacts } from './facts.js';
import { HaproxyView, runtimeCommand } from './runtime-api.js';
import { haproxyVersion, validateHaproxyConfig } from './binary.js';
import { setTemplateAddresses } from './server-template-runtime.js';
import { haproxyFdNeeds } from './fit-machine.js';
import { parseHaproxyCfg } from './parse.js';
import { preflightHaproxy } from './preflight.js';
import { explainHaproxyStartFailure, HAPROXY_CFG_PATH } from './start-failure.js';
import { HAPROXY_REMEDIES } from './remedies.js';

/** Container port of the appended runtime API. */
export const HAPROXY_API_PORT = 19999;

/** `show info` on the runtime API: the answering process's pid and HAProxy's version; undefined while not answering. */
async function showInfo(api: string): Promise<{ pid: number; version: string } | undefined> {
  const info = await runtimeCommand(api, 'show info', 1000).catch(() => ''); // not answering yet: not ready
  const pid = /^Pid: (\d+)/m.exec(info)?.[1];
  return pid ? { pid: Number(pid), version: /^Version: (\S+)/m.exec(info)?.[1] ?? 'unknown' } : undefined;
}

/** The run's TLS files, at the same absolute paths inside the container (the mapped config names them). */
function tlsFiles(tls: BalancerTls | undefined): KindFile[] {
  if (!tls) return [];
  const paths = new Set([tls.cert, tls.key, tls.combined, tls.crtList, tls.clientCa, tls.ca].filter(Boolean));
  return [...paths].map((p) => ({ source: p, target: p, mode: 0o644 }));
}

export const haproxyKind: BalancerKind<MappedHaproxyConfig> = {
  name: 'haproxy',
  title: 'HAProxy',
  adminTitle: 'HAProxy runtime API',
  adminEndpoint: 'haproxy-runtime-api',
  map: mapHaproxyAt,
  facts: (mapped) => haproxyFacts(mapped.parsed, mapped.mapping),
  addressRewrites: addressRewritesOf,
  adminAddress: (mapped, at) => (at ? `ipv4@${at.host}:${at.port}` : mapped.statsSocket),
  view: (admin, mapped) => new HaproxyView(admin, mapped.mapping),
  probe: (admin) => showInfo(admin),
  async preflight(file, nodes, explicit, tls) {
    await preflightHaproxy(file, nodes, explicit, tls);
  },
  explainStartFailure: explainHaproxyStartFailure,
  remedies: HAPROXY_REMEDIES,
  process: {
    configName: 'haproxy.cfg',
    version: () => haproxyVersion(),
    program: {
      name: 'haproxy',
      bin: 'haproxy',
      args: ['-v'],
      version: /version (\S+)/,
      apt: 'haproxy',
      required: true,
    },
    launch: (cfgFile) => ({ command: 'haproxy', aptPackage: 'haproxy', args: ['-db', '-f', cfgFile] }),
    validate: validateHaproxyConfig,
    // Ready = the runtime API answers (HAProxy binds every frontend before it serves the API).
    // No test connection to the frontends: it would count in the servers' session totals.
    ready: 'probe',
    afterStart: setTemplateAddresses,
    reload: { respawn: (oldPids, admin) => ['-x', admin, '-sf', ...oldPids] },
    stopGraceMs: 2000,
  },
  container: {
    cfgPath: HAPROXY_CFG_PATH,
    adminPort: HAPROXY_API_PORT,
    image: { env: 'MQTT_LB_HAPROXY_IMAGE', built: 'haproxy', official: 'haproxy:2.6' },
    files: (_mapped, _userFile, tls) => tlsFiles(tls),
    fdNeeds: (userFile) => haproxyFdNeeds(parseHaproxyCfg(readFileSync(userFile, 'utf8'), userFile)),
    // master-worker (-W): SIGUSR2 re-reads the config and starts a new worker; the old one keeps its connections.
    reload: {
      signal: 'SIGUSR2',
      confirm: { newPid: true, timeoutMs: 15_000, what: 'the reloaded HAProxy worker to answer on the runtime API' },
    },
    versionFallback: 'unknown',
  },
};
