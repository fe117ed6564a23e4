/**
 * A running deployment as the library API hands it out: URLs through the balancer, the nodes with their direct
 * addresses and node API, the CLI's fault verbs, the balancer's view, placement, a client factory, the delivery
 * ledger, and `stop()` / `await using`.
 */
import type {
  BalancerServerState,
  Deployment,
  HostPort,
  NetFault,
  NetFaultReceipt,
  NodeApi,
  NodeInfo,
  NodeName,
} from '../types.js';
import type { Profile } from '../profile/schema.js';
import { validateFault } from '../cli/fault-command.js';
import { nodeOfClient } from '../clients/placement.js';
import { transportList } from '../clients/transport.js';
import { ClientFactory } from './clients.js';
import { DeliveryLedger } from './ledger.js';
import { faultOf, type FaultWords } from './fault-words.js';

/** One broker node: its direct addresses (bypassing the balancer) and its node API (EMQX v5 REST subset). */
export interface StartedNode {
  readonly name: NodeName;
  /** `mqtt://host:port` of the node's own listener. */
  readonly mqttUrl: string;
  /** `http://host:port` of the node's REST API. */
  readonly apiUrl: string;
  readonly mqtt: HostPort;
  readonly http: HostPort;
  readonly api: NodeApi;
  readonly info: NodeInfo;
}

/** What a fault did: the verb, how long it took and, for a network fault, which mechanism produced it. */
export interface FaultResult {
  node: NodeName;
  verb: string;
  ms: number;
  receipt?: NetFaultReceipt;
}

const url = (scheme: string, hp: HostPort): string => `${scheme}://${hp.host}:${hp.port}`;

export class StartedMqttLbDeployment implements AsyncDisposable {
  readonly nodes: readonly StartedNode[];
  /** MQTT clients with the harness's defaults, closed by `stop()`. */
  readonly clients: ClientFactory;
  /** Stamped publishes and tracked subscribers: lost / duplicated / reordered deliveries. */
  readonly ledger = new DeliveryLedger();
  private stopped: Promise<void> | undefined;

  /** @internal */
  constructor(
    /** The harness's deployment handle (the interface the suites use). */
    readonly deployment: Deployment,
    /** The validated profile this deployment was started from (the builder's values, defaults applied). */
    readonly profile: Profile,
  ) {
    this.nodes = deployment.nodes.map((n) => ({
      name: n.name,
      mqttUrl: url('mqtt', n.mqtt),
      apiUrl: url('http', n.http),
      mqtt: n.mqtt,
      http: n.http,
      api: deployment.nodeApi(n.name),
      info: n,
    }));
    this.clients = new ClientFactory(deployment, transportList(profile.clients.transport), profile.broker.trust_proxy);
  }

  get runId(): string {
    return this.deployment.runId;
  }

  /** `mqtt://host:port` of the balancer's MQTT endpoint. */
  mqttUrl(): string {
    return url('mqtt', this.deployment.endpoints.mqtt);
  }

  /** `mqtts://host:port` of the balancer's TLS endpoint; throws when the config has no TLS frontend. */
  mqttsUrl(): string {
    const e = this.deployment.endpoints.mqtts;
    if (!e) throw new Error('this balancer config has no MQTT/TLS frontend (a `bind … ssl` in front of the nodes)');
    return url('mqtts', e);
  }

  /** The run's CA and server name for mqtts clients (`withTls(…)`); undefined without TLS. */
  tlsTrust(): { ca: string; servername: string } | undefined {
    const t = this.deployment.tls;
    return t && { ca: t.ca, servername: t.servername };
  }

  /** The node by name (`node1`…); throws naming the nodes for another name. */
  node(name: NodeName): StartedNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node named ${name} (nodes: ${this.nodes.map((x) => x.name).join(', ')})`);
    return n;
  }

  /**
   * A fault on one node, in the words of `mqtt-lb fault`: `kill`, `pause`, `resume`, `restart`, `stop`, and the
   * network faults `partition`, `blackhole`, `reset`, `heal`, `loss <pct>`, `bandwidth <rate>`, `delay <ms> [jitter]`
   * (or a NetFault value). Rejects with the CLI's message for an unknown verb or node, or a fault this runtime lacks.
   */
  async fault(node: NodeName, verb: FaultWords | NetFault): Promise<FaultResult> {
    const req = faultOf(verb, node);
    validateFault(
      req.kind === 'process' ? req.verb : req.fault.verb,
      node,
      this.nodes.map((n) => n.name),
    );
    const t0 = Date.now();
    if (req.kind === 'process') {
      await this.deployment.fault(node, req.verb);
      return { node, verb: req.verb, ms: Date.now() - t0 };
    }
    if (!this.deployment.netFault) throw new Error(`this ${this.deployment.runtime} deployment has no network faults`);
    const receipt = await this.deployment.netFault(node, req.fault);
    return { node, verb: req.fault.verb, ms: Date.now() - t0, receipt };
  }

  /** The balancer's server states now (HAProxy runtime API, TS-proxy admin API); rejects when the kind cannot tell. */
  balancerView(): Promise<BalancerServerState[]> {
    const view = this.deployment.balancerView;
    if (!view) return Promise.reject(new Error('this balancer has no view of its servers'));
    return view.servers();
  }

  /** The node a client is connected to, per the cluster's node API (ground truth, not the client's belief). */
  placement(clientId: string, timeoutMs?: number): Promise<NodeName> {
    return nodeOfClient(this.deployment, clientId, timeoutMs);
  }

  /** Closes the clients, stops the balancer and the cluster, removes the run directory. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.ledger.close();
      await this.clients.closeAll();
      await this.deployment.stop();
    })();
    return this.stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
