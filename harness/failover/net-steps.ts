/**
 * Steps of the network scenarios (partition, slow-node, lossy-link): a network fault on a node through the
 * deployment (the fault hop when the profile has one), healed when the scenario finishes whatever happens; the
 * receipt naming its mechanism as a finding; and the stream's delivery latency within a window.
 */
import type { NetFault, NetFaultReceipt, NodeName } from '../types.js';
import type { Finding } from '../report/summary-types.js';
import { describeNetFault } from '../netfault/fault.js';
import type { FailoverScenario } from './scenario.js';
import type { FleetMember } from './fleet.js';
import { spread, type Spread } from './measure.js';
import { freshConnections, routedByBalancer, warmUp } from './steps.js';
import { delay } from '../util/wait.js';

/** The node the network scenarios aim at: node2 when the deployment has one (the node), else the busiest. */
export function netTarget(s: FailoverScenario): NodeName {
  return s.ctx.deployment.nodes.some((n) => n.name === 'node2') && s.on('node2').length ? 'node2' : s.busiestNode();
}

/**
 * Applies `fault` on `node` (healed by the scenario's finish); the receipt and t0, the moment the fault was fully in
 * place: a kernel fault is several iptables calls (up to ~1 s on a loaded machine), which the figures must not count.
 */
export async function netFault(
  s: FailoverScenario,
  node: NodeName,
  fault: Exclude<NetFault, { verb: 'heal' }>,
): Promise<{ t0: number; receipt: NetFaultReceipt; applyMs: number }> {
  const d = s.ctx.deployment;
  if (!d.netFault) throw new Error('this deployment has no network faults');
  const apply = d.netFault.bind(d);
  s.stage.set(`${describeNetFault(fault)} on ${node}`);
  const started = Date.now();
  const receipt = await apply(node, fault);
  const t0 = Date.now();
  s.cleanups.push({ what: `heal ${node}`, run: () => apply(node, { verb: 'heal' }) });
  const detail = `${describeNetFault(fault)} (${receipt.mechanism}; in place after ${t0 - started} ms)`;
  s.timeline.event('fault', { node, detail, at: t0 });
  return { t0, receipt, applyMs: t0 - started };
}

/** Heals the node now (the finish's heal then finds nothing to remove). */
export async function healNet(s: FailoverScenario, node: NodeName): Promise<number> {
  const at = Date.now();
  await s.ctx.deployment.netFault?.(node, { verb: 'heal' });
  s.timeline.event('note', { node, detail: 'network fault healed', at });
  return at;
}

/** Which mechanism produced the fault, as the report states it. */
export function mechanismFinding(r: NetFaultReceipt): Finding {
  return {
    severity: 'info',
    title: `${describeNetFault(r.fault)} on ${r.node}: ${r.mechanism}`,
    detail: r.detail,
  };
}

/** Delivery latency (publisher stamp → subscriber) of the stream's deliveries between two wall-clock instants. */
export function latencyBetween(s: FailoverScenario, from: number, to: number): Spread & { deliveries: number } {
  const a = s.timeline.t(from);
  const b = s.timeline.t(to);
  const ms = s.timeline.traffic
    .data()
    .deliveries.filter((x) => x.t >= a && x.t <= b && !x.duplicate)
    .map((x) => x.latencyMs);
  return { ...spread(ms), deliveries: ms.length };
}

/** What the balancer did with a degraded (slow or lossy) node during a fixed observation window. */
export interface DegradedWatch {
  t0: number;
  end: number;
  receipt: NetFaultReceipt;
  /** Fault → marked DOWN within the window, or null (kept in rotation). */
  detectionMs: number | null;
  /** Clients of the node whose connection closed within the window. */
  cut: FleetMember[];
  /** Nodes that `fresh` new connections through the balancer landed on during the fault (empty when they failed). */
  fresh: NodeName[];
  freshError?: string;
  routed: number | null;
  latency: Spread & { deliveries: number };
}

/**
 * Applies `fault` on `node`, opens `freshCount` new connections through the balancer (source addresses from
 * 127.0.2.`firstAddress`) and watches the node for `observeMs`: marked DOWN or not, sessions cut, delivery latency.
 */
export async function watchDegraded(
  s: FailoverScenario,
  node: NodeName,
  fault: Exclude<NetFault, { verb: 'heal' }>,
  o: { observeMs: number; freshCount: number; firstAddress: number },
): Promise<DegradedWatch> {
  await warmUp(s);
  const { t0, receipt } = await netFault(s, node, fault);
  const end = t0 + o.observeMs;
  const fresh = connectFresh(s, `fo-${s.ctx.runId}-${s.name}-new`, o.freshCount, o.firstAddress);
  const detectionMs = await s.detection(node, t0, o.observeMs);
  s.stage.set(`watching ${node} under ${describeNetFault(fault)} until the window ends`);
  await delay(Math.max(0, end - Date.now()));
  const landed = await fresh;
  const cut = s.on(node).filter((m) => {
    const closed = m.events.firstAfter('close', t0);
    return closed && closed.at <= end;
  });
  return {
    t0,
    end,
    receipt,
    detectionMs,
    cut,
    ...landed,
    routed: routedByBalancer(s, node, t0, end),
    latency: latencyBetween(s, t0, end),
  };
}

async function connectFresh(
  s: FailoverScenario,
  prefix: string,
  n: number,
  firstAddress: number,
): Promise<{ fresh: NodeName[]; freshError?: string }> {
  try {
    return { fresh: await freshConnections(s.ctx.deployment, s.ctx.pool, prefix, n, firstAddress) };
  } catch (err) {
    return { fresh: [], freshError: (err as Error).message };
  }
}
