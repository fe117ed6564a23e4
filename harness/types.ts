/**
 * Core vocabulary of the harness (see README "Architecture").
 * Suites and the report only ever see these interfaces; each runtime (local, docker)
 * and each balancer kind (haproxy, ts-proxy) provides an implementation.
 */

export type NodeName = 'node1' | 'node2' | 'node3' | (string & {});

/** A host:port pair as seen from the harness process (always loopback or a run-owned container). */
export interface HostPort {
  host: string;
  port: number;
}

/** One broker node as started by a runtime. */
export interface NodeInfo {
  name: NodeName;
  /** Full broker node name as the node API reports it (EMQX: emqx@node1.emqx.io; stand-in: node1). */
  brokerNode: string;
  /** MQTT listener reachable from the harness (direct, bypassing the balancer). */
  mqtt: HostPort;
  /** HTTP API (EMQX v5 subset) reachable from the harness. */
  http: HostPort;
  /** MQTT over TLS listener reachable from the harness (direct), when the node serves one (passthrough topology). */
  mqtts?: HostPort;
  /** MQTT over WebSocket listener (path /mqtt) reachable from the harness (direct), when the node serves one. */
  ws?: HostPort;
  /** MQTT over secure WebSocket listener (path /mqtt) reachable from the harness (direct), when the node serves one. */
  wss?: HostPort;
  /** Address the balancer uses to reach this node's MQTT listener. */
  upstreamMqtt: HostPort;
  /** Address the balancer uses to reach this node's HTTP API. */
  upstreamHttp: HostPort;
}

/** What a broker kind can do; a test that needs a missing capability is skipped with the reason. */
export interface Capabilities {
  mqtt5: boolean;
  sharedSubscriptions: boolean;
  /** Persistent sessions of a killed node survive (stand-in: yes, Redis-backed; EMQX CE: no). */
  sessionsSurviveNodeLoss: boolean;
  /** Wills of a killed node's clients are eventually published (stand-in: yes; EMQX CE: never). */
  willsOfDeadNode: boolean;
  /** QoS 0 messages are queued for offline persistent sessions (stand-in: no; EMQX: yes). */
  queuesQos0Offline: boolean;
  /** A PROXY-protocol listener also accepts connections without a header (stand-in: yes; EMQX: no). */
  proxyHeaderOptional: boolean;
  /** QoS 2 is granted and acknowledged as QoS 2 (absent: yes; RabbitMQ 3.10: downgraded to QoS 1). */
  qos2?: boolean;
  /** A retained message is seen by subscribers on every node (absent: yes; RabbitMQ 3.10: node-local). */
  retainedClusterWide?: boolean;
  /** On a graceful stop every client's Will is published (stand-in: yes; absent: not documented, not judged). */
  willsOnGracefulStop?: boolean;
  /**
   * With TLS passthrough the nodes' own TLS listeners require and verify client certificates (absent: yes — EMQX
   * `verify_peer` + `fail_if_no_peer_cert`; the stand-in's TLS listener does not require them).
   */
  nodeTlsRequiresClientCert?: boolean;
  /**
   * How long the node API may take to list a new connection, ms (absent: at once; RabbitMQ's management statistics:
   * 3–6 s measured). Waits on the node API's view of placement add it to their bound.
   */
  observationLagMs?: number;
  /**
   * A persistent session (clean_session=false) whose node hangs cannot resume on another node until the cluster
   * declares that node down (absent: it can; RabbitMQ 3.10: its queue waits for its home node — Erlang's
   * net_ticktime, 60 s by default). The hang scenario reports those clients apart from the reconnect it judges.
   */
  hungNodeHoldsSessions?: boolean;
  /**
   * How long one node may take to boot until it serves, ms (absent: a few seconds, within the waits' own bounds;
   * RabbitMQ: its Erlang VM boots in ≈6 s idle, 30–60 s and more on a busy 2-core machine). The deployment's start
   * and the waits that follow a restart the harness makes to undo a fault (a scenario's finish, the next scenario's
   * "every server in rotation") add it to their bound; what a scenario judges keeps its own threshold.
   */
  bootMs?: number;
  /** Human-readable notes on semantics, shown in the report. */
  notes: string[];
}

export type FaultVerb = 'kill' | 'pause' | 'resume' | 'restart' | 'stop';

/** A network fault on one node (partition, heal, blackhole, reset, loss, bandwidth, delay): harness/netfault/fault.ts. */
export type NetFault = import('./netfault/fault.js').NetFault;
/** Which mechanism produced a network fault (iptables chain, tc qdisc), as the report states it. */
export type NetFaultReceipt = import('./netfault/fault.js').NetFaultReceipt;

/** Client-facing endpoints of a deployment (through the balancer). */
export interface Endpoints {
  /** MQTT over TCP through the balancer. */
  mqtt: HostPort;
  /** MQTT over TLS through the balancer, when a TLS frontend exists. */
  mqtts?: HostPort;
  /** Dashboard / node HTTP API through the balancer, when such a frontend exists. */
  dashboard?: HostPort;
  /** MQTT over WebSocket through the balancer (`ws://host:port/mqtt`): a frontend whose servers are the nodes' port 8083. */
  ws?: HostPort;
  /** MQTT over secure WebSocket through the balancer (`wss://host:port/mqtt`): TLS in front of 8083, or 8084 passed through. */
  wss?: HostPort;
  /** Balancer admin/stats interface (HAProxy runtime API, TS-proxy admin API). */
  balancerAdmin?: { kind: 'haproxy-runtime-api' | 'ts-proxy-admin' | (string & {}); address: string };
  /** Every frontend of the balancer config, keyed by frontend name. */
  frontends: Record<
    string,
    HostPort & { tls: boolean; backend?: string; /** 1-based line of its bind in the user's config. */ line?: number }
  >;
}

/** One row of the EMQX-v5 `GET /api/v5/nodes` answer (subset). */
export interface NodeStatus {
  node: string;
  node_status: 'running' | 'stopped' | string;
  live_connections?: number;
  connections?: number;
  version?: string;
  uptime?: number;
}

/** One item of the EMQX-v5 `GET /api/v5/clients` answer (subset). */
export interface ClientInfo {
  clientid: string;
  node: string;
  ip_address: string;
  port?: number;
  connected: boolean;
  clean_start?: boolean;
  proto_ver?: number;
  keepalive?: number;
}

/** EMQX v5 REST subset; one implementation serves EMQX and the stand-in. */
export interface NodeApi {
  status(): Promise<{ ok: boolean; body: string }>;
  nodes(): Promise<NodeStatus[]>;
  clients(query?: { node?: string; clientid?: string | string[]; limit?: number }): Promise<ClientInfo[]>;
  client(clientid: string): Promise<ClientInfo | undefined>;
  kick(clientid: string): Promise<boolean>;
}

export type ServerStatus = 'UP' | 'DOWN' | 'DRAIN' | 'MAINT' | 'NOLB' | (string & {});

/** One upstream server as the balancer sees it. */
export interface BalancerServerState {
  backend: string;
  name: string;
  /** Harness node this server is mapped to. */
  node: NodeName | undefined;
  status: ServerStatus;
  checkStatus: string;
  /** The check's code when it has one, e.g. the HTTP status of an L7STS check. */
  checkCode?: string;
  /** The balancer's words for the last check, e.g. "Connection refused" (HAProxy `last_chk`/`check_desc`). */
  checkDetail?: string;
  /** Wall-clock ms (Date.now() scale) of the last status change, as far as the balancer tells. */
  lastChangeMs: number | undefined;
  current: number;
  total: number;
}

export interface BalancerView {
  servers(): Promise<BalancerServerState[]>;
  /** Set when the balancer cannot report per-server state (NGINX open source): what it lacks; servers() rejects. */
  readonly lacks?: string;
}

/** Where each upstream of the user's balancer config went. */
export interface MappingEntry {
  backend: string;
  server: string;
  /** As written in the user's config. */
  original: string;
  /** 1-based line in the user's config. */
  line: number;
  node: NodeName;
  /** Address the balancer really uses. */
  mapped: string;
}

export interface BalancerInfo {
  /** A name of balancer/kinds.ts, or 'external'. */
  kind: string;
  version: string;
  /** Path of the user's config. */
  configFile?: string;
  /** The config as run (after mapping), secrets redacted. */
  configAsRun?: string;
  mapping: MappingEntry[];
  /** Production-sized settings scaled to what this machine (or the balancer's container) allows; absent: none. */
  machineFit?: MachineFit;
  /** Other lines moved onto the machine (server-template, socket binds, peers), one per line; absent: none. */
  addressRewrites?: AddressRewrite[];
}

/** A production-shaped line the harness kept on the machine, on the user's line. */
export interface AddressRewrite {
  line: number;
  original: string;
  asRun: string;
  reason: string;
}

/** One setting of the user's config scaled to the machine, on the user's line. */
export interface MachineRewrite {
  /** 1-based line in the user's config (the line keeps its number in the config as run). */
  line: number;
  /** The line as written by the user (trimmed). */
  original: string;
  /** The line as run (trimmed). */
  asRun: string;
  /** Why, naming the machine's limit, e.g. "open-files hard limit here is 20000". */
  reason: string;
}

/** What the machine allowed and which settings were scaled to it. */
export interface MachineFit {
  /** Where the limits were read: 'this machine' or 'the balancer container'. */
  where: string;
  /** Open-files hard limit of the balancer process. */
  openFilesLimit: number;
  cpus: number;
  rewrites: MachineRewrite[];
}

/** A running deployment: cluster + balancer on one runtime. Suites get this and never ask which runtime it is. */
export interface Deployment {
  readonly runId: string;
  readonly runtime: 'local' | 'docker' | 'external';
  readonly brokerKind: string;
  readonly brokerVersion: string;
  readonly capabilities: Capabilities;
  readonly nodes: readonly NodeInfo[];
  readonly endpoints: Endpoints;
  readonly balancer: BalancerInfo;
  /** The balancer's server states (runtime/admin API); absent for a balancer the harness does not run (need 'balancer-view'). */
  readonly balancerView?: BalancerView;
  /** What the balancer config says (algorithm, weights, checks, timeouts, with lines); absent when the config is unknown
   *  to the harness (an external target; need 'balancer-facts'). */
  readonly balancerFacts?: import('./facts.js').BalancerFacts;
  /** The run's TLS set-up (profile `tls:`): topology, trust anchor, client certificates, policy. Absent without TLS. */
  readonly tls?: import('./pki/run-tls.js').RunTls;
  readonly startupMs: number;
  /** The broker cluster's start, measured by the harness (absent: a cluster the harness does not start). */
  readonly clusterStart?: ClusterStart;
  /** Errors seen while starting (e.g. a server the balancer never reported UP): shown in every suite's report. */
  readonly startupFindings?: readonly import('./finding.js').Finding[];
  nodeApi(node: NodeName): NodeApi;
  fault(node: NodeName, verb: FaultVerb): Promise<void>;
  /** A network fault on the node's MQTT listeners (a new one replaces the node's previous one; `heal` removes it),
   *  answering which mechanism produced it; rejects with the reason when this runtime cannot produce it. Absent when
   *  the harness does not run the nodes (need `{ netFault: kind }`). */
  netFault?(node: NodeName, fault: NetFault): Promise<NetFaultReceipt>;
  /** Profile `faults.hop`: where the TS-proxy between the balancer and the nodes listens (absent without one). */
  readonly faultHop?: string;
  /** Every network fault applied so far, with its mechanism (absent with netFault). */
  readonly netFaultLog?: readonly NetFaultReceipt[];
  /** Reload the balancer with its current config (HAProxy -sf / TS-proxy SIGHUP); absent when the harness does not run
   *  the balancer (need 'reload'). */
  reloadBalancer?(): Promise<void>;
  /** `kill`: SIGKILL the balancer (process or container); `restart`: start it again with the same config and addresses,
   *  resolved once it answers. Absent when the harness does not run the balancer (need 'balancer-restart'). */
  balancerFault?(verb: 'kill' | 'restart'): Promise<void>;
  stop(): Promise<void>;
}

/** How long the broker cluster took to start and what each node weighed once it was up. */
export interface ClusterStart {
  /** From asking the runtime for the cluster until every node served (clustered, for a real broker), ms. */
  ms: number;
  /** Resident memory of each node just after the start, bytes (absent: the runtime cannot read it). */
  rssBytes?: Record<string, number>;
}

/** A deployment whose balancer the harness runs and reads (facts and view present): what failover and fairness need. */
export type BalancedDeployment = Deployment & {
  readonly balancerView: BalancerView;
  readonly balancerFacts: import('./facts.js').BalancerFacts;
};

/** The deployment as a BalancedDeployment; tests that need it declare 'balancer-facts' and 'balancer-view'. */
export function asBalanced(d: Deployment): BalancedDeployment {
  if (!d.balancerFacts || !d.balancerView)
    throw new Error('this test needs the balancer config and its view of the servers, which this deployment lacks');
  return d as BalancedDeployment;
}
