/**
 * Deployment = cluster + balancer on one runtime, built from a profile. Startup waits on health with
 * deadlines and verifies the cluster; anything half-started is stopped again on failure or Ctrl-C.
 */
import type { ClusterStart, Deployment, FaultVerb, NetFault, NetFaultReceipt, NodeName } from './types.js';
import { NetFaultUnavailableError } from './netfault/mechanism.js';
import type { Profile } from './profile/schema.js';
import type { ClusterHandle, Runtime } from './runtime/runtime.js';
import type { BalancerHandle } from './balancer/balancer.js';
import { parseMapEntries } from './balancer/address-map.js';
import { RunDir, newRunId } from './proc/run-dir.js';
import { sweepStaleRuns } from './proc/sweep.js';
import { trackRun } from './proc/signals.js';
import { verifyClusterRouting } from './cluster-check.js';
import { chooseRuntime } from './runtime/choose.js';
import './docker/register.js';
import { progress as defaultProgress } from './util/progress.js';
import type { Finding } from './report/summary-types.js';
import { awaitFirstChecks, requireAnUpServer, startupFindings } from './balancer/startup-checks.js';
import { prepareRunTls, type RunTls } from './pki/run-tls.js';
import { startExternalDeployment } from './external/deployment.js';
import { logFailure } from './util/best-effort.js';
import { requireTransportEndpoints, transportList } from './clients/transport.js';
import type { FaultHop } from './netfault/hop/fault-hop.js';
import { ConfigError } from './errors.js';

export interface StartOptions {
  runId?: string;
  mode?: 'run' | 'up';
  progress?: (msg: string) => void;
}

class RunningDeployment implements Deployment {
  private stopped = false;
  private readonly netFaults: NetFaultReceipt[] = [];
  constructor(
    readonly runId: string,
    private readonly rt: Runtime,
    private readonly cluster: ClusterHandle,
    private readonly lb: BalancerHandle,
    readonly startupMs: number,
    private readonly untrack: () => void,
    readonly tls?: RunTls,
    readonly startupFindings: readonly Finding[] = [],
    /** Profile `faults.hop`: the TS-proxy between the balancer and each node; network faults then go through it. */
    private readonly hop?: FaultHop,
    readonly clusterStart?: ClusterStart,
  ) {}

  /** Where the fault hop sits (absent without one). */
  get faultHop(): string | undefined {
    return this.hop?.describe();
  }

  get runtime() {
    return this.rt.name;
  }
  get brokerKind() {
    return this.cluster.kind;
  }
  get brokerVersion() {
    return this.cluster.version;
  }
  get capabilities() {
    return this.cluster.capabilities;
  }
  get nodes() {
    return this.cluster.nodes;
  }
  get endpoints() {
    return this.lb.endpoints;
  }
  get balancer() {
    return this.lb.info;
  }
  get balancerView() {
    return this.lb.view;
  }
  get balancerFacts() {
    return this.lb.facts;
  }
  get runDir() {
    return this.rt.runDir;
  }

  nodeApi(node: NodeName) {
    return this.cluster.nodeApi(node);
  }
  fault(node: NodeName, verb: FaultVerb) {
    return this.cluster.fault(node, verb);
  }
  /** Which mechanism produced each network fault so far (the report and `mqtt-lb status` state them). */
  get netFaultLog(): readonly NetFaultReceipt[] {
    return this.netFaults;
  }
  async netFault(node: NodeName, fault: NetFault): Promise<NetFaultReceipt> {
    if (!this.cluster.nodes.some((n) => n.name === node))
      throw new Error(`no node named ${node} (nodes: ${this.cluster.nodes.map((n) => n.name).join(', ')})`);
    const mechanism = this.hop?.mechanism ?? this.cluster.netFaults;
    if (!mechanism)
      throw new NetFaultUnavailableError(
        `the ${this.rt.name} runtime's ${this.cluster.kind} cluster has no network faults`,
      );
    const receipt = await mechanism.apply(node, fault);
    this.netFaults.push(receipt);
    return receipt;
  }
  reloadBalancer() {
    return this.lb.reload();
  }
  balancerFault(verb: 'kill' | 'restart') {
    return this.lb.fault(verb);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.lb.stop().catch(logFailure('stopping the balancer'));
    await this.hop?.stop().catch(logFailure('stopping the fault hop'));
    await this.cluster.stop().catch(logFailure('stopping the cluster'));
    await this.rt.stop();
    this.untrack();
    this.rt.runDir.release();
  }
}

/**
 * Waits (bounded) for the balancer's first health checks. Servers it does not report UP become error
 * findings naming their config line and check status; the run goes on with the UP servers, as production
 * would, unless the MQTT backend has no UP server at all (NoServerUpError).
 */
async function checkServersAtStartup(lb: BalancerHandle, say: (msg: string) => void): Promise<Finding[]> {
  if (lb.view.lacks) return []; // no per-server state to wait for (NGINX): its view says what it cannot report
  const checksFrom = Date.now();
  const health = await awaitFirstChecks(lb.view, lb.facts);
  requireAnUpServer(health, lb.facts, lb.info.mapping, Date.now() - checksFrom);
  const findings = startupFindings(health, lb.facts, lb.info.mapping);
  for (const f of findings) say(`startup error: ${lb.facts.file}${f.line ? `:${f.line}` : ''}: ${f.title}`);
  return findings;
}

export async function startDeployment(
  profile: Profile,
  opts: StartOptions = {},
): Promise<Deployment & { runDir: RunDir }> {
  const say = opts.progress ?? defaultProgress;
  if (profile.balancer.target) {
    const external = await startExternalDeployment(profile, { ...opts, progress: say });
    try {
      requireTransportEndpoints(transportList(profile.clients.transport), external.endpoints, profile.file);
    } catch (err) {
      await external.stop();
      throw err;
    }
    return external;
  }
  const swept = sweepStaleRuns();
  if (swept.length) say(`removed leftovers of ${swept.length} crashed run(s): ${swept.join(', ')}`);
  const runDir = new RunDir(opts.runId ?? newRunId()).create(opts.mode ?? 'run');
  const untrack = trackRun(runDir);
  const started = Date.now();
  const explicitMap = parseMapEntries(profile.balancer.map);
  const runtime = await chooseRuntime(profile, runDir, say);
  let cluster: ClusterHandle | undefined;
  let stopBalancer: (() => Promise<void>) | undefined;
  let hop: FaultHop | undefined;
  try {
    const tls = profile.tls ? await prepareRunTls(profile.tls, runDir.path, profile.file) : undefined;
    if (tls)
      say(
        `TLS ${tls.tls.topology}: ${tls.tls.pki} PKI in ${tls.tls.pkiDir} (${tls.tls.generationMs} ms), serving the ${tls.tls.certificate} certificate for ${tls.tls.serverNames.join(', ')}`,
      );
    say(
      `run ${runDir.runId}: starting ${profile.broker.nodes} ${profile.broker.kind} nodes on the ${runtime.name} runtime`,
    );
    const clusterStarted = Date.now();
    cluster = await runtime.startCluster({
      kind: profile.broker.kind,
      nodes: profile.broker.nodes,
      image: profile.broker.image,
      trustProxy: profile.broker.trust_proxy,
      heartbeatMs: profile.broker.heartbeat_ms,
      ...(tls?.nodes ? { tls: tls.nodes } : {}),
    });
    const clusterStart: ClusterStart = {
      ms: Date.now() - clusterStarted,
      ...(cluster.nodeRssBytes ? { rssBytes: cluster.nodeRssBytes() } : {}),
    };
    const routeMs = await verifyClusterRouting(cluster.nodes);
    say(
      `cluster up (${cluster.nodes.map((n) => `${n.name}@${n.mqtt.host}`).join(', ')}); routing between every pair of nodes verified in ${routeMs} ms`,
    );
    if (profile.faults.hop) {
      if (!runtime.startHop)
        throw new ConfigError(
          `faults.hop: the ${runtime.name} runtime has no fault hop yet`,
          profile.file,
          undefined,
          'use `runtime: local` for the network-fault scenarios through the hop, or remove `faults.hop`',
        );
      hop = await runtime.startHop(cluster.nodes);
      say(hop.describe());
    }
    const lb = await runtime.startBalancer({
      kind: profile.balancer.kind,
      configFile: profile.balancerConfigFile,
      explicitMap,
      nodes: hop?.nodes ?? cluster.nodes,
      tls: tls?.balancer,
    });
    stopBalancer = () => lb.stop();
    requireTransportEndpoints(transportList(profile.clients.transport), lb.endpoints, profile.balancerConfigFile);
    const startupFindings = await checkServersAtStartup(lb, say);
    const startupMs = Date.now() - started;
    say(
      `${lb.info.kind} ${lb.info.version} up: MQTT ${lb.endpoints.mqtt.host}:${lb.endpoints.mqtt.port}${lb.endpoints.ws ? `, WebSocket ws://${lb.endpoints.ws.host}:${lb.endpoints.ws.port}/mqtt` : ''}${lb.endpoints.wss ? `, wss://${lb.endpoints.wss.host}:${lb.endpoints.wss.port}/mqtt` : ''} (startup ${startupMs} ms; clients over ${transportList(profile.clients.transport).join('+')})`,
    );
    return new RunningDeployment(
      runDir.runId,
      runtime,
      cluster,
      lb,
      startupMs,
      untrack,
      tls?.tls,
      startupFindings,
      hop,
      clusterStart,
    );
  } catch (err) {
    await stopBalancer?.().catch(logFailure('stopping the half-started balancer'));
    await hop?.stop().catch(logFailure('stopping the half-started fault hop'));
    await cluster?.stop().catch(logFailure('stopping the half-started cluster'));
    await runtime.stop();
    untrack();
    runDir.release();
    throw err;
  }
}
