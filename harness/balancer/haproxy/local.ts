/** HAProxy as a local child process (Debian `haproxy`), with the user's config mapped to the harness nodes. */
import { readFileSync, writeFileSync } from 'node:fs';
import { ManagedProcess } from '../../proc/child.js';
import { canBind, canConnect, freePort } from '../../net/ports.js';
import { endpointsFromBinds, type BalancerHandle, type BalancerStartSpec } from '../balancer.js';
import { mapHaproxyConfig, type MappedHaproxyConfig } from './map-config.js';
import { haproxyVersion, validateHaproxyConfig } from './binary.js';
import { HaproxyView, runtimeCommand } from './runtime-api.js';

export async function placeOnLoopback(host: string, originalPort: number, used: Set<string>): Promise<{ host: string; port: number }> {
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
  });
}

export async function startLocalHaproxy(spec: BalancerStartSpec): Promise<BalancerHandle> {
  const version = await haproxyVersion();
  const statsSocket = spec.runDir.file('haproxy', 'runtime-api.sock');
  const mapped = await mapForLocal(spec, statsSocket);
  const cfgFile = spec.runDir.file('haproxy', 'haproxy.cfg');
  writeFileSync(cfgFile, mapped.text);
  await validateHaproxyConfig(cfgFile, spec.configFile);

  const processes: ManagedProcess[] = [];
  const launch = async (extra: string[]): Promise<ManagedProcess> => {
    const p = new ManagedProcess({ name: `haproxy${processes.length ? `-reload${processes.length}` : ''}`, command: 'haproxy', aptPackage: 'haproxy', args: ['-db', '-f', cfgFile, ...extra] }, spec.runDir);
    processes.push(p);
    await p.start();
    await p.waitReady(async () => {
      for (const b of mapped.binds) if (!(await canConnect(b.host, b.port, 300))) return false;
      return (await runtimeCommand(statsSocket, 'show info', 500).catch(() => '')).includes('Pid:');
    }, 15_000, 'listen on every frontend and answer on the runtime API');
    return p;
  };
  await launch([]);

  const view = new HaproxyView(statsSocket, mapped.mapping);
  return {
    info: { kind: 'haproxy', version, configFile: spec.configFile, configAsRun: mapped.text, mapping: mapped.mapping },
    view,
    endpoints: endpointsFromBinds(mapped.binds, mapped.mapping, { kind: 'haproxy-runtime-api', address: statsSocket }),
    async reload() {
      const old = processes.filter((p) => !p.exited).map((p) => String(p.pid));
      await launch(['-x', statsSocket, '-sf', ...old]);
    },
    async stop() {
      await Promise.all(processes.map((p) => p.stop(2000)));
    },
  };
}
