/**
 * Broker kind `rabbitmq` on the local runtime: the run's own epmd, one `rabbitmq-server` per node on the run's
 * loopback block with a run cookie and data/logs under the run directory, clustered declaratively (classic_config
 * peer discovery) while the nodes boot in parallel. Readiness is bounded with progress lines; a failure stops
 * everything that was started and names the log to read.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Capabilities, FaultVerb, NodeApi, NodeName } from '../../types.js';
import type { ClusterHandle, ClusterSpec } from '../../runtime/runtime.js';
import type { RunDir } from '../../proc/run-dir.js';
import type { LoopbackBlock } from '../../net/loopback-block.js';
import { ManagedProcess } from '../../proc/child.js';
import { freePort, canConnect } from '../../net/ports.js';
import { ConfigError } from '../../errors.js';
import { RabbitNodeApi } from '../../observe/rabbitmq-api.js';
import { RABBITMQ_CAPABILITIES } from '../../brokers/rabbitmq.js';
import { waitFor } from '../../util/wait.js';
import { progress } from '../../util/progress.js';
import { RABBIT_API_USER, RABBIT_PORTS, erlangNodeName } from './conf.js';
import { LocalRabbitNode, RABBITMQ_SERVER, RABBIT_BOOT_MS } from './node.js';
import { rabbitVersion } from './facts.js';
import { rssBytesOfTree } from '../../proc/rss.js';

/** Ports a rabbitmq node binds on its loopback address (the block must have them free). */
export const RABBIT_NODE_PORTS = [RABBIT_PORTS.mqtt, RABBIT_PORTS.management, RABBIT_PORTS.amqp];

export class LocalRabbitCluster implements ClusterHandle {
  readonly kind = 'rabbitmq';
  /** The kind's capabilities, with this run's measured start time and memory as the last note. */
  capabilities: Capabilities = RABBITMQ_CAPABILITIES;
  version = `rabbitmq/${rabbitVersion()}`;
  /** Measured at start: ms until every node listened and /api/nodes listed all of them running. */
  startMs = 0;
  private readonly apis = new Map<NodeName, NodeApi>();

  constructor(
    private readonly epmd: ManagedProcess,
    private readonly members: LocalRabbitNode[],
  ) {
    for (const m of members) this.apis.set(m.spec.name, new RabbitNodeApi(m.info().http, RABBIT_API_USER));
  }

  get nodes() {
    return this.members.map((m) => m.info());
  }

  /** Resident memory of each node's processes (the server script, erl, beam.smp), bytes. */
  nodeRssBytes(): Record<string, number> {
    return Object.fromEntries(this.members.map((m) => [m.spec.name, m.pid ? rssBytesOfTree(m.pid) : 0]));
  }

  nodeApi(node: NodeName): NodeApi {
    const api = this.apis.get(node);
    if (!api) throw new Error(`no node named ${node} (nodes: ${[...this.apis.keys()].join(', ')})`);
    return api;
  }

  async fault(node: NodeName, verb: FaultVerb): Promise<void> {
    const m = this.members.find((x) => x.spec.name === node);
    if (!m) throw new Error(`no node named ${node}`);
    await m.fault(verb);
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
    await this.epmd.stop(1000);
  }

  /** Boots every node, waits for the listeners and for the cluster to list every node running (bounded). */
  async boot(say: (m: string) => void): Promise<void> {
    const started = Date.now();
    await this.epmd.start();
    const epmdPort = Number(this.epmd.spec.args[1]);
    await this.epmd.waitReady(() => canConnect('127.0.0.1', epmdPort, 200), 10_000, `epmd on 127.0.0.1:${epmdPort}`);
    // The first node boots alone, so it alone creates the MQTT plugin's client-id tracking (Ra) cluster; the others
    // then join both the cluster and that Ra cluster while booting. Booted all at once, a node may start a Ra cluster
    // of its own (suspected cause of one node answering every CONNECT with "Server unavailable" in one run).
    const [first, ...rest] = this.members;
    const boot = async (m: LocalRabbitNode): Promise<void> => {
      await m.spawn();
      await m.waitListening();
      say(`rabbitmq: ${m.spec.name} (${m.info().brokerNode}) listening after ${Date.now() - started} ms`);
    };
    say(
      `rabbitmq: booting ${first!.spec.name}, then ${rest.length} more in parallel (each bounded at ${RABBIT_BOOT_MS / 1000} s)`,
    );
    await boot(first!);
    await Promise.all(rest.map(boot));
    const want = this.members.map((m) => m.info().brokerNode);
    const api = this.apis.get(this.members[0]!.spec.name)!;
    let seen = '';
    await waitFor(
      async () => {
        const rows = await api.nodes().catch((err: Error) => ((seen = err.message), []));
        const running = rows.filter((r) => r.node_status === 'running').map((r) => r.node);
        seen = JSON.stringify(rows.map((r) => `${r.node}:${r.node_status}`));
        return want.every((n) => running.includes(n));
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `the cluster to list ${want.join(', ')} running (last: ${seen})` },
    );
    this.startMs = Date.now() - started;
    const memory = this.nodeRssBytes();
    const measured = `Measured at this run's start: ${want.length} nodes booted and clustered in ${(this.startMs / 1000).toFixed(1)} s; resident memory per node ${Object.entries(
      memory,
    )
      .map(([n, bytes]) => `${n} ${Math.round(bytes / 2 ** 20)} MB`)
      .join(', ')}.`;
    this.capabilities = { ...RABBITMQ_CAPABILITIES, notes: [...RABBITMQ_CAPABILITIES.notes, measured] };
    say(`rabbitmq: ${measured}`);
  }
}

export async function startLocalRabbitCluster(
  spec: ClusterSpec,
  block: LoopbackBlock,
  runDir: RunDir,
  say: (m: string) => void = progress,
): Promise<LocalRabbitCluster> {
  if (!existsSync(RABBITMQ_SERVER))
    throw new ConfigError(
      `broker kind rabbitmq: '${RABBITMQ_SERVER}' is not installed`,
      undefined,
      undefined,
      'install it: apt-get install -y --no-install-recommends rabbitmq-server (npm run setup does not: only profiles with broker.kind rabbitmq need it)',
    );
  const epmdPort = await freePort();
  const epmd = new ManagedProcess(
    {
      name: 'epmd',
      command: 'epmd',
      args: ['-port', String(epmdPort), '-address', '127.0.0.1'],
      aptPackage: 'erlang-base',
    },
    runDir,
  );
  const cookie = randomBytes(16).toString('hex').toUpperCase();
  const peers = Array.from({ length: spec.nodes }, (_, i) => erlangNodeName(i + 1));
  const members: LocalRabbitNode[] = [];
  for (let i = 1; i <= spec.nodes; i++) {
    members.push(
      new LocalRabbitNode(
        {
          name: `node${i}`,
          index: i,
          ip: block.nodeIp(i),
          distPort: await freePort(),
          epmdPort,
          peers,
          cookie,
          dir: runDir.dir('rabbitmq', `node${i}`),
          trustProxy: spec.trustProxy,
        },
        runDir,
      ),
    );
  }
  const cluster = new LocalRabbitCluster(epmd, members);
  try {
    await cluster.boot(say);
  } catch (err) {
    await cluster.stop();
    const logs = members
      .map((m) => m.logPath)
      .filter(Boolean)
      .join(', ');
    throw new Error(
      `rabbitmq cluster did not start: ${(err as Error).message}\nnode logs: ${logs} (and ${runDir.path}/rabbitmq/<node>/log; MQTT_LB_KEEP_RUN_DIR=1 keeps them)`,
      { cause: err },
    );
  }
  return cluster;
}
