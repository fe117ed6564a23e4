/**
 * The embedded default runtime: processes on a run-owned loopback block (127.0.1.1–3 by default),
 * stand-in nodes over one local redis-server, balancers as local child processes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FaultVerb, NodeApi, NodeInfo, NodeName } from '../types.js';
import { startLocalHop } from '../netfault/hop/local-hop.js';
import type { FaultHop } from '../netfault/hop/fault-hop.js';
import type { ClusterHandle, ClusterSpec, Runtime } from '../runtime/runtime.js';
import type { BalancerHandle, BalancerStartSpec } from '../balancer/balancer.js';
import { SERVICE_PORTS } from '../balancer/balancer.js';
import { acquireBlock, type LoopbackBlock } from '../net/loopback-block.js';
import { startRedis, redisCommand, type RedisHandle } from './redis.js';
import { LocalStandinNode } from './standin-node.js';
import { HttpNodeApi } from '../observe/node-api.js';
import { STANDIN_CAPABILITIES } from '../brokers/capabilities.js';
import { rssBytesOfTree } from '../proc/rss.js';
import { ConfigError } from '../errors.js';
import type { RunDir } from '../proc/run-dir.js';
import { BALANCER_KINDS, balancerKind } from '../balancer/kinds.js';
import { startBalancerProcess } from './balancer-process.js';
import { NetfilterMechanism, HOST_NS } from '../netfault/netfilter-mechanism.js';
import { removeRunChainSync } from '../netfault/chain-sweep.js';
import { trackRun } from '../proc/signals.js';
import { logFailure } from '../util/best-effort.js';
import { RABBIT_NODE_PORTS, startLocalRabbitCluster } from './rabbitmq/cluster.js';

function aedesVersion(): string {
  try {
    // Resolved like an import: installed as a dependency, aedes may sit in the user's node_modules, not ours (and
    // its exports map hides package.json, so walk up from its entry point).
    let dir = path.dirname(createRequire(import.meta.url).resolve('aedes'));
    while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

class LocalStandinCluster implements ClusterHandle {
  readonly kind = 'standin';
  readonly version = `stand-in/aedes-${aedesVersion()}`;
  readonly capabilities = STANDIN_CAPABILITIES;
  private readonly apis = new Map<NodeName, NodeApi>();
  /** iptables rules in the host namespace matching each node's loopback address and MQTT listener ports. */
  readonly netFaults: NetfilterMechanism;

  constructor(
    private readonly redis: RedisHandle,
    private readonly members: LocalStandinNode[],
    runId: string,
  ) {
    for (const m of members) this.apis.set(m.spec.name, new HttpNodeApi(m.info().http));
    this.netFaults = new NetfilterMechanism({ runtime: 'local', runId, resolve: (node) => this.netTarget(node) });
  }

  /** The node's MQTT listeners (mqtt, mqtts, ws, wss) on its address — not its HTTP API, which the harness reads. */
  private netTarget(node: NodeName): Promise<import('../netfault/netfilter-mechanism.js').NodeNetTarget> {
    const m = this.members.find((x) => x.spec.name === node);
    if (!m) return Promise.reject(new Error(`no node named ${node}`));
    const i = m.info();
    const ports = [i.mqtt, i.mqtts, i.ws, i.wss].filter((hp) => hp !== undefined).map((hp) => hp.port);
    return Promise.resolve({ node, address: m.spec.ip, ports, ns: HOST_NS });
  }

  get nodes() {
    return this.members.map((m) => m.info());
  }

  /** Resident memory of each node process, bytes (the cluster's shared Redis is not counted). */
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
    await this.netFaults.healAll().catch(logFailure('removing the network-fault rules'));
    await Promise.all(this.members.map((m) => m.stop()));
    await this.redis.process.stop(2000);
  }
}

export class LocalRuntime implements Runtime {
  readonly name = 'local' as const;
  private block: LoopbackBlock | undefined;
  private untrackRules: (() => void) | undefined;

  constructor(readonly runDir: RunDir) {}

  get loopbackBlock(): LoopbackBlock | undefined {
    return this.block;
  }

  async startCluster(spec: ClusterSpec): Promise<ClusterHandle> {
    if (spec.kind === 'rabbitmq') return this.startRabbit(spec);
    if (spec.kind !== 'standin') {
      throw new ConfigError(
        `broker kind '${spec.kind}' needs the docker runtime`,
        undefined,
        undefined,
        'set `runtime: docker` (or auto) in the profile, or use `broker: { kind: standin }`',
      );
    }
    this.block = await acquireBlock(this.runDir.runId, spec.nodes, [
      SERVICE_PORTS.mqtt,
      SERVICE_PORTS.http,
      SERVICE_PORTS.ws,
      ...(spec.tls ? [SERVICE_PORTS.mqtts, SERVICE_PORTS.wss] : []),
    ]);
    const redis = await startRedis(this.runDir);
    const members = Array.from(
      { length: spec.nodes },
      (_, i) =>
        new LocalStandinNode(
          {
            name: `node${i + 1}`,
            ip: this.block!.nodeIp(i + 1),
            redis,
            trustProxy: spec.trustProxy,
            heartbeatMs: spec.heartbeatMs,
            tls: spec.tls,
          },
          this.runDir,
        ),
    );
    const cluster = new LocalStandinCluster(redis, members, this.runDir.runId);
    // Ctrl-C: the run's iptables chain goes with its processes (synchronously, from the signal handler).
    this.untrackRules = trackRun(this.runDir, () => void removeRunChainSync(this.runDir.runId));
    try {
      await Promise.all(members.map((m) => m.start()));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    await redisCommand(redis.host, redis.port, 'PING');
    return cluster;
  }

  /** Broker kind `rabbitmq`: real RabbitMQ nodes on the run's block (harness/local/rabbitmq/). */
  private async startRabbit(spec: ClusterSpec): Promise<ClusterHandle> {
    this.block = await acquireBlock(this.runDir.runId, spec.nodes, RABBIT_NODE_PORTS);
    return startLocalRabbitCluster(spec, this.block, this.runDir);
  }

  async startBalancer(spec: Omit<BalancerStartSpec, 'runDir' | 'bindHost'>): Promise<BalancerHandle> {
    if (!this.block) throw new Error('startCluster must run before startBalancer');
    const kind = balancerKind(spec.kind);
    if (!kind)
      throw new ConfigError(
        `balancer kind '${spec.kind}' is not available on the local runtime (kinds: ${Object.keys(BALANCER_KINDS).join(', ')})`,
      );
    return startBalancerProcess(kind, { ...spec, runDir: this.runDir, bindHost: this.block.balancerIp });
  }

  /** The fault hop on `<block>.10N` (node N's hop address), its admin API on the balancer's address. */
  async startHop(nodes: readonly NodeInfo[]): Promise<FaultHop> {
    const block = this.block;
    if (!block) throw new Error('startCluster must run before startHop');
    return startLocalHop({
      runDir: this.runDir,
      nodes,
      hopHost: (node) => `${block.prefix}.${100 + Number(node.replace(/^node/, ''))}`,
      adminHost: block.balancerIp,
    });
  }

  async stop(): Promise<void> {
    this.untrackRules?.();
    this.untrackRules = undefined;
    this.block?.release();
    this.block = undefined;
  }
}
