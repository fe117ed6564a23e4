/** HAProxy as a local child process (Debian `haproxy`), with the user's config mapped to the harness nodes. */
import { readFileSync, writeFileSync } from 'node:fs';
import { ManagedProcess } from '../../proc/child.js';
import { ConfigError } from '../../errors.js';
import { canBind, freePort } from '../../net/ports.js';
import { endpointsFromBinds, type BalancerHandle, type BalancerStartSpec } from '../balancer.js';
import { addressRewritesOf, mapHaproxyConfig, type CertificateMap, type MappedHaproxyConfig } from './map-config.js';
import { haproxyVersion, validateHaproxyConfig } from './binary.js';
import { HaproxyView, runtimeCommand } from './runtime-api.js';
import { haproxyFacts } from './facts.js';
import { setTemplateAddresses } from './server-template-runtime.js';
import { describeMachineFit, hostMachineLimits, openFilesHardLimit } from '../machine-limits.js';
import { progress } from '../../util/progress.js';

export async function placeOnLoopback(
  host: string,
  originalPort: number,
  used: Set<string>,
): Promise<{ host: string; port: number }> {
  if (!used.has(`${host}:${originalPort}`) && (await canBind(host, originalPort))) return { host, port: originalPort };
  for (let i = 0; i < 20; i++) {
    const port = await freePort(host);
    if (!used.has(`${host}:${port}`)) return { host, port };
  }
  throw new Error(`no free port on ${host}`);
}

export async function mapForLocal(spec: BalancerStartSpec, statsSocket: string): Promise<MappedHaproxyConfig> {
  const byName = new Map(spec.nodes.map((n) => [n.name, n]));
  return mapHaproxyConfig(readFileSync(spec.configFile, 'utf8'), spec.configFile, {
    nodeNames: spec.nodes.map((n) => n.name),
    explicit: spec.explicitMap,
    resolve: (node, port) => ({ host: byName.get(node)!.upstreamMqtt.host, port }),
    placeBind: (port, used) => placeOnLoopback(spec.bindHost, port, used),
    statsSocket,
    certificates: certificateMapOf(spec.tls),
    machine: hostMachineLimits(),
  });
}

/** The run's files that replace the config's certificate paths (generated PKI only; user PKI keeps the user's paths). */
export function certificateMapOf(tls: BalancerStartSpec['tls']): CertificateMap | undefined {
  return tls?.mapCertificates
    ? { crt: tls.combined, crtList: tls.crtList, clientCa: tls.clientCa, serverCa: tls.ca }
    : undefined;
}

/** Turns HAProxy's startup alerts into errors that name the user's line and the fix. */
function explainStartupFailure(err: Error, mapped: MappedHaproxyConfig, userFile: string): Error {
  if (/Cannot raise FD limit/.test(err.message)) {
    const line = mapped.parsed.sections
      .filter((s) => s.kind === 'global')
      .flatMap((s) => s.lines)
      .find((l) => l.tokens[0] === 'maxconn')?.line;
    return new ConfigError(
      `HAProxy cannot raise its file-descriptor limit for the configured maxconn (this shell allows ${openFilesHardLimit()})`,
      userFile,
      line,
      'lower global `maxconn` (it needs about 2 descriptors per connection) or raise the hard limit (ulimit -Hn); the harness already scaled the settings it knows (see the machine-fit lines of the config as run)',
    );
  }
  if (/cannot bind socket|Address already in use/i.test(err.message)) {
    return new ConfigError(
      `HAProxy could not bind a frontend: ${err.message.split('\n').find((l) => /bind/i.test(l)) ?? ''}`,
      userFile,
      undefined,
      'another process holds the port; stop it or let the harness choose another loopback block',
    );
  }
  return err;
}

/** A ConfigError that names a line but not the file gets the user's config file. */
function withConfigFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError && !err.file) throw new ConfigError(err.message, file, err.line, err.fix);
    throw err;
  }
}

export async function startLocalHaproxy(spec: BalancerStartSpec): Promise<BalancerHandle> {
  const version = await haproxyVersion();
  const statsSocket = spec.runDir.file('haproxy', 'runtime-api.sock');
  const mapped = await mapForLocal(spec, statsSocket);
  const cfgFile = spec.runDir.file('haproxy', 'haproxy.cfg');
  writeFileSync(cfgFile, mapped.text);
  await validateHaproxyConfig(cfgFile, spec.configFile);
  const fitted = mapped.machineFit && describeMachineFit('HAProxy', mapped.machineFit);
  if (fitted) progress(fitted);
  // Before launching: a config without a usable MQTT frontend is refused without leaving a process behind.
  const endpoints = withConfigFile(spec.configFile, () =>
    endpointsFromBinds(
      mapped.binds,
      mapped.mapping,
      { kind: 'haproxy-runtime-api', address: statsSocket },
      spec.configFile,
    ),
  );

  const processes: ManagedProcess[] = [];
  const launch = async (extra: string[]): Promise<ManagedProcess> => {
    const p = new ManagedProcess(
      {
        name: `haproxy${processes.length ? `-reload${processes.length}` : ''}`,
        command: 'haproxy',
        aptPackage: 'haproxy',
        args: ['-db', '-f', cfgFile, ...extra],
      },
      spec.runDir,
    );
    processes.push(p);
    await p.start();
    // Ready = the runtime API answers (HAProxy binds every frontend before it serves the API).
    // No test connection to the frontends: it would count in the servers' session totals.
    const pid = String(p.pid);
    await p
      .waitReady(
        // not answering yet: not ready
        async () => (await runtimeCommand(statsSocket, 'show info', 500).catch(() => '')).includes(`Pid: ${pid}`),
        15_000,
        'answer on the runtime API',
      )
      .catch((err: Error) => {
        throw explainStartupFailure(err, mapped, spec.configFile);
      });
    await setTemplateAddresses(statsSocket, mapped, spec.configFile);
    return p;
  };
  await launch([]);

  const view = new HaproxyView(statsSocket, mapped.mapping);
  return {
    info: {
      kind: 'haproxy',
      version,
      configFile: spec.configFile,
      configAsRun: mapped.text,
      mapping: mapped.mapping,
      ...(mapped.machineFit ? { machineFit: mapped.machineFit } : {}),
      ...(addressRewritesOf(mapped).length ? { addressRewrites: addressRewritesOf(mapped) } : {}),
    },
    view,
    facts: haproxyFacts(mapped.parsed, mapped.mapping),
    endpoints,
    async reload() {
      const old = processes.filter((p) => !p.exited).map((p) => String(p.pid));
      await launch(['-x', statsSocket, '-sf', ...old]);
    },
    async stop() {
      await Promise.all(processes.map((p) => p.stop(2000)));
    },
  };
}
