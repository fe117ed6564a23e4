/**
 * The skeleton the degraded-link scenarios (slow-node, lossy-link) share: watch the node under the fault, heal,
 * settle, the common metrics (taken out, sessions cut, new connections, delivery latency), the scenario's own
 * findings between the mechanism's and the loss verdict, and the wait until a node taken out is marked up again.
 */
import type { NetFault, NodeName } from '../types.js';
import type { FailoverMetrics } from '../report/summary-types.js';
import { Judgement, type Outcome } from '../suite/scenario-def.js';
import type { BalancerFacts, ServerFacts } from '../facts.js';
import type { FailoverThresholds as Thresholds } from './thresholds.js';
import type { FailoverScenario } from './scenario.js';
import type { FleetMember } from './fleet.js';
import type { TrafficStream } from './traffic.js';
import { riseBound, serverOf } from './check-facts.js';
import { failoverMetrics, reconnectTimes } from './measure.js';
import { assessLoss } from './steps.js';
import { healNet, mechanismFinding, netTarget, watchDegraded, type DegradedWatch } from './net-steps.js';

/** What a degraded scenario's own findings are judged from. */
export interface DegradedRun {
  target: NodeName;
  facts: BalancerFacts;
  server: ServerFacts;
  /** The node's clients when the fault began. */
  clients: FleetMember[];
  w: DegradedWatch;
  traffic: ReturnType<TrafficStream['totals']>;
}

export interface DegradedSpec {
  fault(t: Thresholds): Exclude<NetFault, { verb: 'heal' }>;
  observeMs(t: Thresholds): number;
  /** First source address (127.0.2.N) of the new connections opened during the fault. */
  firstAddress: number;
  /** Metrics key counting the new connections that landed on the node, e.g. `on_slow_node`. */
  landedKey: string;
  /** The scenario's own metrics, placed after `mechanism`. */
  faultMetrics(t: Thresholds): Record<string, unknown>;
  /** Whether `routed_during_fault` (the balancer's own counter) is reported. */
  reportRouted?: boolean;
  /** Adds the scenario's own notes and verdicts to `j` (between the mechanism's finding and the loss verdict). */
  judge(r: DegradedRun, t: Thresholds, j: Judgement): void;
}

/** Runs a degraded-link scenario: the shared steps around the spec's fault, metrics and judgement. */
export async function runDegraded(s: FailoverScenario, spec: DegradedSpec): Promise<Outcome<FailoverMetrics>> {
  const t = s.ctx.thresholds;
  const d = s.ctx.deployment;
  const facts = d.balancerFacts;
  const target = netTarget(s);
  const server = serverOf(facts, target);
  const clients = s.on(target);
  const w = await watchDegraded(s, target, spec.fault(t), {
    observeMs: spec.observeMs(t),
    freshCount: 6,
    firstAddress: spec.firstAddress,
  });
  await healNet(s, target);
  await s.settle();
  await s.traffic!.stop();
  const traffic = s.traffic!.totals();
  const back = reconnectTimes(w.cut, w.t0);
  const loss = assessLoss(d, s, w.cut, t);
  const metrics = failoverMetrics({
    detectionMs: w.detectionMs,
    reconnectMs: back.ms,
    traffic,
    timeline: s.timeline,
    extra: {
      node: target,
      mechanism: w.receipt.mechanism,
      ...spec.faultMetrics(t),
      taken_out: w.detectionMs !== null,
      sessions_cut: w.cut.length,
      clients_on_node: clients.length,
      new_connections: { total: w.fresh.length, [spec.landedKey]: w.fresh.filter((n) => n === target).length },
      ...(w.freshError ? { new_connections_error: w.freshError } : {}),
      ...(spec.reportRouted ? { routed_during_fault: w.routed } : {}),
      latency_ms: { p50: w.latency.p50, p99: w.latency.p99, max: w.latency.max, deliveries: w.latency.deliveries },
    },
  });
  const judgement = new Judgement().note(mechanismFinding(w.receipt));
  spec.judge({ target, facts, server, clients, w, traffic }, t, judgement);
  judgement.verdict(loss);
  if (w.detectionMs !== null)
    await s.markedUp(target, Date.now(), Math.min(t.capMs, riseBound(server.check).worstMs + 2000));
  return judgement.outcome(metrics);
}
