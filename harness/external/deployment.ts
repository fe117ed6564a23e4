/**
 * `balancer.kind: external`: an existing balancer (the guide's AWS ELB case) and, optionally, the nodes' REST APIs.
 * Nothing is started. The Deployment interface is served from what the profile gives: endpoints from its URLs,
 * nodeApi from the node API URLs, fault verbs from its shell commands (else FaultNotAvailableError). The balancer's
 * view, config facts and reload are absent; tests that need them are skipped with the reason at collection time
 * (harness/needs.ts, abilities from harness/external/abilities.ts).
 */
import path from 'node:path';
import type {
  BalancerInfo,
  Capabilities,
  Deployment,
  Endpoints,
  FaultVerb,
  NodeApi,
  NodeInfo,
  NodeName,
} from '../types.js';
import type { Profile } from '../profile/schema.js';
import { HttpNodeApi, type NodeApiAuth } from '../observe/node-api.js';
import { capabilitiesOf } from '../brokers/capabilities.js';
import { RunDir, newRunId } from '../proc/run-dir.js';
import { ConfigError } from '../errors.js';
import { progress as defaultProgress } from '../util/progress.js';
import { resolveExternalTarget, type ExternalNode, type ExternalTarget } from './target.js';
import { notAvailable, runFaultCommand } from './faults.js';

/** "Node emqx@10.0.0.1 is started" (EMQX and the stand-in answer /status like this). */
export function brokerNodeFromStatus(body: string): string | undefined {
  return /Node (\S+) is started/.exec(body)?.[1];
}

async function describeNode(node: ExternalNode, api: NodeApi, file: string): Promise<NodeInfo & { version?: string }> {
  let body: string;
  try {
    body = (await api.status()).body;
  } catch (err) {
    throw new ConfigError(
      `external target: ${node.name}'s REST API at http://${node.api.host}:${node.api.port}/status did not answer (${(err as Error).message})`,
      file,
      undefined,
      'check balancer.target.nodes, or remove the node APIs (tests that need them then fail with this reason)',
    );
  }
  const brokerNode = brokerNodeFromStatus(body);
  if (!brokerNode)
    throw new ConfigError(
      `external target: ${node.name}'s /status answer does not name the node ("Node <name> is started"): ${body.slice(0, 120)}`,
      file,
    );
  return {
    name: node.name,
    brokerNode,
    mqtt: node.mqtt,
    http: node.api,
    upstreamMqtt: node.mqtt,
    upstreamHttp: node.api,
  };
}

function endpointsOf(t: ExternalTarget): Endpoints {
  const frontends: Endpoints['frontends'] = { mqtt: { ...t.mqtt, tls: false } };
  if (t.mqtts) frontends.mqtts = { ...t.mqtts, tls: true };
  if (t.dashboard) frontends.dashboard = { host: t.dashboard.host, port: t.dashboard.port, tls: t.dashboard.tls };
  return {
    mqtt: t.mqtt,
    mqtts: t.mqtts,
    dashboard: t.dashboard ? { host: t.dashboard.host, port: t.dashboard.port } : undefined,
    frontends,
  };
}

/** No balancer view, facts or reload: the harness does not run this balancer (tests needing them are skipped). */
export class ExternalDeployment implements Deployment {
  readonly runtime = 'external' as const;
  private stopped = false;

  constructor(
    readonly runId: string,
    readonly runDir: RunDir,
    readonly target: ExternalTarget,
    readonly brokerKind: string,
    readonly brokerVersion: string,
    readonly capabilities: Capabilities,
    readonly nodes: readonly NodeInfo[],
    private readonly apis: Map<string, NodeApi>,
    readonly startupMs: number,
    /** Fault commands run here (the profile's folder), like every relative path of a profile. */
    private readonly commandDir: string,
  ) {}

  get endpoints(): Endpoints {
    return endpointsOf(this.target);
  }

  get balancer(): BalancerInfo {
    return { kind: 'external', version: `mqtt://${this.target.mqtt.host}:${this.target.mqtt.port}`, mapping: [] };
  }

  /** CA bundle for the mqtts endpoint, when the profile gives one. */
  get ca(): string | undefined {
    return this.target.ca;
  }

  nodeApi(node: NodeName): NodeApi {
    const api = this.apis.get(node);
    if (!api)
      throw new Error(
        `no REST API for ${node} on the external target (nodes given: ${[...this.apis.keys()].join(', ') || 'none'}); add it under balancer.target.nodes`,
      );
    return api;
  }

  async fault(node: NodeName, verb: FaultVerb): Promise<void> {
    const command = this.target.faults[verb];
    if (!command) throw notAvailable(verb);
    const r = await runFaultCommand(command, node, verb, this.commandDir);
    defaultProgress(`external target: fault ${verb} ${node} done in ${r.ms} ms`);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.runDir.release();
  }
}

export async function startExternalDeployment(
  profile: Profile,
  opts: { runId?: string; mode?: 'run' | 'up'; progress?: (m: string) => void } = {},
): Promise<ExternalDeployment> {
  const say = opts.progress ?? defaultProgress;
  const started = Date.now();
  const target = resolveExternalTarget(profile);
  const auth: NodeApiAuth = target.apiKey ? { kind: 'api-key', ...target.apiKey } : { kind: 'none' };
  const apis = new Map<string, NodeApi>(target.nodes.map((n) => [n.name, new HttpNodeApi(n.api, auth)]));
  const nodes = await Promise.all(target.nodes.map((n) => describeNode(n, apis.get(n.name)!, profile.file)));
  let version = 'unknown';
  // The version stays as it is when the node API does not answer.
  if (nodes.length)
    version =
      (
        await apis
          .get(nodes[0]!.name)!
          .nodes()
          .catch(() => [])
      )[0]?.version ?? version;
  const base = capabilitiesOf(profile.broker.kind);
  const capabilities: Capabilities = {
    ...base,
    notes: [
      ...base.notes,
      `External target: nothing was started by the harness; capabilities assume broker kind '${profile.broker.kind}'.`,
    ],
  };
  const runDir = new RunDir(opts.runId ?? newRunId()).create(opts.mode ?? 'run');
  const faults = Object.keys(target.faults);
  say(
    `external target mqtt://${target.mqtt.host}:${target.mqtt.port}: ${nodes.length ? `node APIs ${nodes.map((n) => `${n.name}=${n.brokerNode}`).join(', ')}` : 'no node APIs'}; fault verbs: ${faults.join(', ') || 'none'}`,
  );
  return new ExternalDeployment(
    runDir.runId,
    runDir,
    target,
    profile.broker.kind,
    version,
    capabilities,
    nodes,
    apis,
    Date.now() - started,
    path.dirname(profile.file),
  );
}
