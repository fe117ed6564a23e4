/**
 * What `mqtt-lb status` shows, gathered by the keeper: each node (process state, node API, live connections, the
 * last fault injected) and the balancer's view of its servers (state, health check, current/total sessions).
 */
import { NOT_AVAILABLE_REASONS } from '../external/faults.js';
import type { BalancerServerState, Deployment, FaultVerb } from '../types.js';
import type { RunDir } from '../proc/run-dir.js';
import { procState } from '../proc/identity.js';
import { withTimeout } from '../util/wait.js';
import type { KeeperInfo } from './run-state.js';
import type { NetFaultVerb } from '../netfault/fault.js';

export interface FaultRecord {
  verb: FaultVerb | NetFaultVerb;
  at: string;
  /** A network fault: the mechanism that produced it and what it installed. */
  mechanism?: string;
  detail?: string;
}

export interface NodeRow {
  name: string;
  brokerNode: string;
  mqtt: string;
  http: string;
  /** Local runtime: the node's process (pid, running | paused | gone); absent on docker/external. */
  process?: { pid?: number; state: 'running' | 'paused' | 'gone' };
  /** ok: /status answered "is running"; else what went wrong. */
  api: string;
  liveConnections?: number;
  lastFault?: FaultRecord;
}

export interface StatusResult {
  runId: string;
  profileName: string;
  profile: string;
  runtime: string;
  startedAt: string;
  uptimeS: number;
  keeperPid: number;
  logFile: string;
  balancer: { kind: string; version: string };
  endpoints: Record<string, string>;
  nodes: NodeRow[];
  servers: BalancerServerState[];
  serversError?: string;
}

const PROBE_MS = 1000;

function processOf(d: Deployment, runDir: RunDir | undefined, name: string): NodeRow['process'] {
  // A restarted node's process is recorded as <node>-restart<N>: take the newest.
  const rec = runDir
    ?.pids()
    .filter((p) => p.name === name || p.name.startsWith(`${name}-restart`))
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .at(-1);
  // Local runtime: a node's pid record disappears when its process exits (kill, stop).
  if (!rec) return d.runtime === 'local' ? { state: 'gone' } : undefined;
  const state = procState(rec.pid);
  return {
    pid: rec.pid,
    state: state === undefined || state === 'Z' || state === 'X' ? 'gone' : state === 'T' ? 'paused' : 'running',
  };
}

async function nodeRow(
  d: Deployment,
  runDir: RunDir | undefined,
  name: string,
  faults: Map<string, FaultRecord>,
): Promise<NodeRow> {
  const n = d.nodes.find((x) => x.name === name)!;
  const row: NodeRow = {
    name,
    brokerNode: n.brokerNode,
    mqtt: `${n.mqtt.host}:${n.mqtt.port}`,
    http: `${n.http.host}:${n.http.port}`,
    process: processOf(d, runDir, name),
    api: 'not configured',
    lastFault: faults.get(name),
  };
  let api;
  try {
    api = d.nodeApi(name);
  } catch {
    return row;
  }
  try {
    const status = await withTimeout(api.status(), PROBE_MS, `${name} /status`);
    row.api =
      status.ok && /is running/.test(status.body) ? 'ok' : `answers: ${status.body.split('\n')[0]!.slice(0, 60)}`;
    const rows = await withTimeout(api.nodes(), PROBE_MS, `${name} /api/v5/nodes`);
    row.liveConnections = rows.find((r) => r.node === n.brokerNode)?.live_connections;
  } catch (err) {
    row.api = /timed out/.test((err as Error).message)
      ? `no answer within ${PROBE_MS} ms`
      : `unreachable (${(err as Error).message.slice(0, 60)})`;
  }
  return row;
}

export async function keeperStatus(
  d: Deployment & { runDir?: RunDir },
  info: KeeperInfo,
  faults: Map<string, FaultRecord>,
): Promise<StatusResult> {
  const [nodes, servers] = await Promise.all([
    Promise.all(d.nodes.map((n) => nodeRow(d, d.runDir, n.name, faults))),
    withTimeout(
      d.balancerView?.servers() ?? Promise.reject(new Error(NOT_AVAILABLE_REASONS['balancer-view'])),
      3000,
      'the balancer view',
    ).then(
      (s) => ({ servers: s }),
      (err: Error) => ({ servers: [] as BalancerServerState[], error: err.message }),
    ),
  ]);
  return {
    runId: info.runId,
    profileName: info.profileName,
    profile: info.profile,
    runtime: d.runtime,
    startedAt: info.startedAt,
    uptimeS: Math.round((Date.now() - Date.parse(info.startedAt)) / 1000),
    keeperPid: info.pid,
    logFile: info.logFile,
    balancer: { kind: d.balancer.kind, version: d.balancer.version },
    endpoints: info.deployment.endpoints,
    nodes,
    servers: servers.servers,
    serversError: 'error' in servers ? servers.error : undefined,
  };
}
