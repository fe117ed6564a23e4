/**
 * A containerised broker cluster, driven by a BrokerKindDefinition: shared services (the stand-in's Redis), then N
 * node containers in parallel (or node 1 alone first), each waited on by its kind's wait, then the same readiness
 * for every kind (the kind's node API reports the node healthy, an MQTT CONNECT is accepted on the direct listener)
 * and cluster formation (the node API lists every node as running). EMQX, RabbitMQ and the stand-in differ only in
 * the generated definitions.
 */
import type { StartedNetwork } from 'testcontainers';
import type { Capabilities, FaultVerb, NodeApi, NodeInfo, NodeName, NodeStatus } from '../types.js';
import type { ClusterHandle } from '../runtime/runtime.js';
import type { RunDir } from '../proc/run-dir.js';
import type { BrokerKindDefinition, ClusterDef, NodeContainerDef, NodePorts } from './brokers/types.js';
import { startRunContainer, type RunContainer } from './run-container.js';
import { waitStrategyOf } from './waits.js';
import { PUBLISH_HOST } from './net-container.js';
import { containerFault } from './faults.js';
import { docker } from './engine.js';
import { ClientPool } from '../clients/mqtt.js';
import { waitFor } from '../util/wait.js';
import { NetfilterMechanism, type NodeNetTarget } from '../netfault/netfilter-mechanism.js';
import { logFailure } from '../util/best-effort.js';
import { containerNetTarget, type LinkPeer } from './node-net-target.js';

interface Member {
  def: NodeContainerDef;
  container: RunContainer;
  info: NodeInfo;
  api: NodeApi;
}

function nodeInfo(def: NodeContainerDef, c: RunContainer): NodeInfo {
  return {
    name: def.name,
    brokerNode: def.brokerNode,
    mqtt: { host: PUBLISH_HOST, port: c.hostPort(def.ports.directMqtt) },
    http: { host: PUBLISH_HOST, port: c.hostPort(def.ports.http) },
    ...(def.ports.mqtts ? { mqtts: { host: PUBLISH_HOST, port: c.hostPort(def.ports.mqtts) } } : {}),
    ...(def.ports.ws ? { ws: { host: PUBLISH_HOST, port: c.hostPort(def.ports.ws) } } : {}),
    ...(def.ports.wss ? { wss: { host: PUBLISH_HOST, port: c.hostPort(def.ports.wss) } } : {}),
    upstreamMqtt: { host: def.alias, port: def.ports.mqtt },
    upstreamHttp: { host: def.alias, port: def.ports.http },
  };
}

function publishedPorts(def: NodeContainerDef): number[] {
  const optional = [def.ports.mqtts, def.ports.ws, def.ports.wss].filter((p): p is number => p !== undefined);
  return [...new Set([def.ports.directMqtt, def.ports.http, ...optional])];
}

export class DockerCluster implements ClusterHandle {
  readonly capabilities: Capabilities;
  version: string;
  private members: Member[] = [];
  private services: RunContainer[] = [];
  /** iptables rules and tc qdiscs inside each node container's own network namespace (nsenter -t <pid> -n). */
  readonly netFaults: NetfilterMechanism;

  constructor(
    private readonly kindDef: BrokerKindDefinition,
    private readonly def: ClusterDef,
    private readonly image: string,
    private readonly network: StartedNetwork,
    private readonly runDir: RunDir,
  ) {
    this.capabilities = kindDef.capabilities;
    this.version = image;
    this.netFaults = new NetfilterMechanism({
      runtime: 'docker',
      runId: runDir.runId,
      resolve: (node) => this.netTarget(node),
    });
  }

  /** The container whose link to each node network faults cut (the balancer's), once the runtime has started it. */
  private linkPeer: LinkPeer | undefined;

  /**
   * From now on a node's network faults cut only its link to this container (every port, health checks included);
   * the harness's direct observation through the published ports and the cluster's own links stay up.
   */
  faultLinkTo(containerName: string, label: string): void {
    this.linkPeer = { containerName, label };
    for (const m of this.members) this.netFaults.prepare(m.def.name);
  }

  /** Where the node's network faults apply, looked up per fault (node-net-target.ts). */
  private async netTarget(node: NodeName): Promise<NodeNetTarget> {
    const m = this.member(node);
    return containerNetTarget(node, m.container.id, m.def.ports, this.linkPeer, this.network);
  }

  get kind(): string {
    return this.kindDef.kind;
  }

  get nodes(): readonly NodeInfo[] {
    return this.members.map((m) => m.info);
  }

  /** Containers of this cluster (for the balancer's `/etc/hosts` entries, the fault hop's routes, cleanup). */
  containers(): { node: NodeName; alias: string; ports: NodePorts; container: RunContainer }[] {
    return this.members.map((m) => ({
      node: m.def.name,
      alias: m.def.alias,
      ports: m.def.ports,
      container: m.container,
    }));
  }

  async start(say: (m: string) => void): Promise<void> {
    const t0 = Date.now();
    this.services = await Promise.all(
      this.def.services.map((s) =>
        startRunContainer(
          {
            name: s.name,
            image: s.image,
            aliases: [s.alias],
            command: s.command,
            ports: s.ports,
            wait: waitStrategyOf(s.wait),
          },
          this.network,
          this.runDir,
        ),
      ),
    );
    const t1 = Date.now();
    const [first, ...rest] = this.def.nodes;
    if (this.def.bootOrder === 'first-alone' && first) {
      await this.startNodes([first]);
      say(`docker cluster: ${first.name} up alone in ${Date.now() - t1} ms, starting ${rest.length} more`);
      await this.startNodes(rest);
    } else await this.startNodes(this.def.nodes);
    this.members.sort((a, b) => this.def.nodes.indexOf(a.def) - this.def.nodes.indexOf(b.def));
    const t2 = Date.now();
    await Promise.all(this.members.map((m) => this.nodeReady(m, 30_000)));
    const statuses = await this.formation();
    this.version = this.kindDef.version(this.image, statuses);
    say(
      `docker cluster: ${this.services.length ? `services ${t1 - t0} ms, ` : ''}nodes started ${t2 - t1} ms, ready + formed ${Date.now() - t2} ms (${this.version})`,
    );
  }

  /** Starts node containers in parallel; every one that did start is kept, so a failure stops them all. */
  private async startNodes(nodes: NodeContainerDef[]): Promise<void> {
    const results = await Promise.allSettled(
      nodes.map((n) =>
        startRunContainer(
          {
            name: n.name,
            image: n.image,
            aliases: [n.alias],
            hostname: n.hostname,
            entrypoint: n.entrypoint,
            command: n.command,
            env: n.env,
            files: n.files,
            directories: n.directories,
            ports: publishedPorts(n),
            wait: waitStrategyOf(n.wait),
          },
          this.network,
          this.runDir,
        ).then((container) => {
          const info = nodeInfo(n, container);
          this.members.push({ def: n, container, info, api: this.kindDef.nodeApi(info.http, this.def) });
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The node serves: `/status` answers OK and an MQTT CONNECT on its direct listener is accepted. */
  private async nodeReady(m: Member, timeoutMs: number): Promise<void> {
    await waitFor(async () => (await m.api.status()).ok, {
      timeoutMs,
      intervalMs: 100,
      what: `${m.def.name} /status to answer OK`,
    });
    await waitFor(
      async () => {
        const pool = new ClientPool();
        try {
          await pool.connect(
            m.info.mqtt,
            { clientId: `mqtt-lb-ready-${m.def.name}-${process.pid}`, reconnectPeriod: 0 },
            2000,
          );
          return true;
        } finally {
          await pool.closeAll();
        }
      },
      {
        timeoutMs,
        intervalMs: 200,
        what: `${m.def.name} to accept an MQTT connection on ${m.info.mqtt.host}:${m.info.mqtt.port}`,
      },
    );
  }

  /** Every node's API lists every node as running (EMQX: joined; stand-in: registered in Redis). */
  private async formation(): Promise<NodeStatus[]> {
    const expected = this.members.map((m) => m.def.brokerNode);
    let last: NodeStatus[] = [];
    await waitFor(
      async () => {
        for (const m of this.members) {
          last = await m.api.nodes();
          const running = new Set(last.filter((s) => s.node_status === 'running').map((s) => s.node));
          if (!expected.every((e) => running.has(e))) return false;
        }
        return true;
      },
      {
        timeoutMs: this.def.formationTimeoutMs,
        intervalMs: 250,
        what: `the cluster to list ${expected.join(', ')} as running on every node`,
      },
    );
    return last;
  }

  private member(node: NodeName): Member {
    const m = this.members.find((x) => x.def.name === node);
    if (!m) throw new Error(`no node named ${node} (nodes: ${this.members.map((x) => x.def.name).join(', ')})`);
    return m;
  }

  nodeApi(node: NodeName): NodeApi {
    return this.member(node).api;
  }

  async fault(node: NodeName, verb: FaultVerb): Promise<void> {
    const m = this.member(node);
    await containerFault(m.container.id, node, verb, async () => {
      await this.nodeReady(m, m.def.wait.timeoutMs);
      await this.rejoined(m);
    });
  }

  /** After a restart: the node's own API lists itself and every other running container's node as running. */
  private async rejoined(m: Member): Promise<void> {
    const up: string[] = [];
    for (const x of this.members) {
      const st = (await docker().getContainer(x.container.id).inspect()).State;
      if (st.Running && !st.Paused) up.push(x.def.brokerNode);
    }
    await waitFor(
      async () => {
        const running = new Set((await m.api.nodes()).filter((s) => s.node_status === 'running').map((s) => s.node));
        return up.every((n) => running.has(n));
      },
      {
        timeoutMs: this.def.formationTimeoutMs,
        intervalMs: 250,
        what: `${m.def.name} to rejoin the cluster (${up.join(', ')} running)`,
      },
    );
  }

  async stop(): Promise<void> {
    await this.netFaults.healAll().catch(logFailure('removing the network-fault rules'));
    const ids = [...this.members.map((m) => m.container.id), ...this.services.map((s) => s.id)];
    await Promise.all(
      ids.map(
        (id) =>
          docker()
            .getContainer(id)
            .remove({ force: true, v: true })
            .catch(() => undefined), // already removed; the run's label sweep catches the rest
      ),
    );
    this.members = [];
    this.services = [];
  }
}
