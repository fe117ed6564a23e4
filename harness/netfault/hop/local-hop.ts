/**
 * The fault hop on the local runtime: one TS-proxy child process with a listener per node port on an address of its
 * own per node (`<block>.10N`), started before the balancer, whose upstreams are then mapped to it; the harness keeps
 * observing the nodes directly. Its faults: HopMechanism (toxics), loss by iptables on the hop's addresses.
 */
import { writeFileSync } from 'node:fs';
import type { NodeInfo, NodeName } from '../../types.js';
import type { RunDir } from '../../proc/run-dir.js';
import { ManagedProcess } from '../../proc/child.js';
import { freePort } from '../../net/ports.js';
import { builtFile } from '../../util/project-root.js';
import { waitFor } from '../../util/wait.js';
import { logFailure } from '../../util/best-effort.js';
import { HOST_NS, NetfilterMechanism } from '../netfilter-mechanism.js';
import type { FaultHop } from './fault-hop.js';
import { HopMechanism } from './hop-mechanism.js';
import { hopConfig, hopRoutes, nodesThroughHop } from './routes.js';

export interface LocalHopSpec {
  runDir: RunDir;
  nodes: readonly NodeInfo[];
  /** The hop's address in front of `node`. */
  hopHost(node: NodeName): string;
  /** Where the admin API listens (the balancer's loopback address). */
  adminHost: string;
}

async function proxiesUp(admin: string, names: string[]): Promise<boolean> {
  try {
    const res = await fetch(`${admin}/proxies`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return false;
    const list = (await res.json()) as Record<string, { enabled: boolean }>;
    return names.every((n) => list[n]?.enabled);
  } catch {
    return false;
  }
}

export async function startLocalHop(spec: LocalHopSpec): Promise<FaultHop> {
  const routes = hopRoutes(spec.nodes, spec.hopHost);
  const adminAt = { host: spec.adminHost, port: await freePort(spec.adminHost) };
  const admin = `http://${adminAt.host}:${adminAt.port}`;
  const cfgFile = spec.runDir.file('fault-hop', 'hop.yaml');
  writeFileSync(cfgFile, hopConfig(routes, adminAt));
  const proc = new ManagedProcess(
    { name: 'fault-hop', command: process.execPath, args: [builtFile('proxy/main.js'), '--config', cfgFile] },
    spec.runDir,
  );
  await proc.start();
  try {
    await proc.waitForLine(/"event":"listening".*"frontend":"admin"/, 15_000);
    await waitFor(
      () =>
        proxiesUp(
          admin,
          routes.map((r) => r.name),
        ),
      { timeoutMs: 10_000, intervalMs: 100, what: 'the fault hop to listen on every node port' },
    );
  } catch (err) {
    await proc.stop(1000);
    throw new Error(`the fault hop (TS-proxy, ${cfgFile}) did not start: ${(err as Error).message}`);
  }
  const kernel = new NetfilterMechanism({
    runtime: 'local',
    runId: spec.runDir.runId,
    resolve: (node) =>
      Promise.resolve({
        node,
        address: spec.hopHost(node),
        ports: routes.filter((r) => r.node === node).map((r) => r.listen.port),
        ns: HOST_NS,
      }),
  });
  const mechanism = new HopMechanism(admin, routes, kernel);
  // Probed now (once per process, ~1 s on a loaded machine), so a fault's apply is only its toxics or iptables calls.
  await mechanism.probe();
  return {
    nodes: nodesThroughHop(spec.nodes, routes),
    routes,
    admin,
    mechanism,
    describe: () =>
      `TS-proxy fault hop (pid ${proc.pid}, admin ${admin}): ${routes.map((r) => `${r.listen.host}:${r.listen.port}→${r.node}`).join(', ')}`,
    async stop() {
      await mechanism.healAll().catch(logFailure('removing the fault hop toxics and rules'));
      await proc.stop(2000);
    },
  };
}
