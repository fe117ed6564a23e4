/**
 * Partition the balancer from a node at the fault hop (both directions held, its health-check port included): how
 * long until the checks time out and the balancer marks it DOWN, how long its clients stay stuck on the silent link
 * (cut by the balancer, or by their keepalive), their reconnect elsewhere, sessions and loss. Healed at the end.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import type { FleetMember } from '../fleet.js';
import type { SlowestClient } from '../net-findings.js';
import { byBalancer, Judgement } from '../../suite/scenario-def.js';
import { describeCheck, detectionBound, isPassive, riseBound, seconds, serverOf } from '../check-facts.js';
import { judgeDetection, judgeReconnect, stuckFinding } from '../verdicts.js';
import { detectionWindowMs, hangReconnectWindowMs } from '../windows.js';
import { attemptSummary, failoverMetrics, spread, stuckTimes } from '../measure.js';
import { algorithmNote, assessLoss, routedByBalancer, warmUp } from '../steps.js';
import { hungReconnectWhy } from '../findings.js';
import { healNet, mechanismFinding, netFault, netTarget } from '../net-steps.js';
import { connectRetryFinding, lateConnackFinding, partitionStuckVerdict } from '../net-findings.js';

/**
 * The affected client back last: when it was cut, when MQTT.js started its reconnect, its attempts that got no
 * CONNACK, when the CONNACK packet came and when MQTT.js emitted `connect` (after replaying its in-flight messages).
 */
function slowestBack(affected: FleetMember[], t0: number): SlowestClient | null {
  const rows = affected.map((m) => {
    const close = m.events.firstAfter('close', t0)?.at;
    const attempt = close === undefined ? undefined : m.events.firstAfter('attempt', close)?.at;
    const connack = m.events.firstAfter('connack', t0)?.at;
    const wire = connack === undefined ? undefined : m.events.lastBefore('connack-wire', connack + 1)?.at;
    const tried = attempt === undefined ? [] : m.events.attempts(attempt, connack ?? Date.now());
    return {
      id: m.id,
      role: m.role,
      cut_ms: rel(close, t0),
      attempt_ms: rel(attempt, t0),
      connack_ms: rel(connack, t0),
      connack_wire_ms: wire === undefined || wire < t0 ? null : wire - t0,
      failed_attempts: tried.filter((a) => a.outcome === 'closed').length,
    };
  });
  return rows.sort((a, b) => (b.connack_ms ?? Infinity) - (a.connack_ms ?? Infinity))[0] ?? null;
}
const rel = (at: number | undefined, t0: number): number | null => (at === undefined ? null : at - t0);

/**
 * Fault → the first accepted CONNACK packet after it, per client: the partition's reconnect figure. MQTT.js's own
 * `connect` comes later for a publisher, after it has replayed the in-flight messages the partition swallowed one
 * acknowledgement at a time (client-side, reported as `slowest_client` and by the late-CONNACK finding).
 */
function connackTimes(members: FleetMember[], t0: number): { ms: number[]; missing: string[] } {
  const ms: number[] = [];
  const missing: string[] = [];
  for (const m of members) {
    const back = m.events.firstAfter('connack-wire', t0) ?? m.events.firstAfter('connack', t0);
    if (back) ms.push(back.at - t0);
    else missing.push(m.id);
  }
  return { ms, missing };
}

export const partition: FailoverScenarioDef = {
  name: 'partition',
  title: 'partition the balancer from a node at the fault hop: check-timeout detection, stuck clients, reconnect, loss',
  needs: ['link-faults', { netFault: 'partition' }, 'balancer-facts', 'balancer-view'],
  skip: byBalancer(
    (facts) =>
      isPassive(facts) &&
      'passive checks only: the balancer keeps no per-server DOWN state, so there is no detection to measure (connects to a partitioned node time out and are counted per request, with no state to read; where the kernel cannot DROP, the hop even accepts them)',
  ),
  timeoutMs: 120_000,
  async run(s) {
    const t = s.ctx.thresholds;
    const facts = s.ctx.deployment.balancerFacts;
    const target = netTarget(s);
    const server = serverOf(facts, target);
    const affected = s.on(target);
    await warmUp(s);
    const { t0, receipt, applyMs } = await netFault(s, target, { verb: 'partition' });
    // Its checks time out (an unanswered SYN at a kernel DROP, held data at the toxic fallback): the hang bound holds.
    const bound = detectionBound(server.check, 'hang');
    const [detectionMs] = await Promise.all([
      s.detection(target, t0, detectionWindowMs(bound, t.partitionDetectionMs, t.capMs)),
      s.allReconnected(affected, t0, Math.max(hangReconnectWindowMs(t), t.partitionReconnectMs + 1000)),
    ]);
    await s.settle();
    await s.traffic!.stop();
    const stuck = stuckTimes(affected, t0);
    const back = connackTimes(affected, t0);
    const routed = routedByBalancer(s, target, t0, detectionMs === null ? Date.now() : t0 + detectionMs);
    const loss = assessLoss(s.ctx.deployment, s, affected, t);
    const slowest = slowestBack(affected, t0);
    const attempts = attemptSummary(affected, t0, Date.now());
    const shutsDown = detectionMs !== null && server.check.shutdownSessionsOnDown.value;
    const metrics = failoverMetrics({
      detectionMs,
      reconnectMs: back.ms,
      traffic: s.traffic!.totals(),
      timeline: s.timeline,
      extra: {
        node: target,
        affected: affected.length,
        mechanism: receipt.mechanism,
        fault_apply_ms: applyMs,
        worst_case_detection_ms: Number.isFinite(bound.worstMs) ? bound.worstMs : null,
        stuck_ms: stuck.ms,
        stuck_max_ms: spread(stuck.ms).max,
        never_noticed: stuck.never.length,
        routed_while_partitioned: routed,
        client_attempts: attempts,
        not_back: back.missing,
        slowest_client: slowest,
        keepalive_s: t.keepaliveS,
        persistent_sessions: loss.persistent,
      },
    });
    const why = hungReconnectWhy(describeCheck(server), seconds(t.connectTimeoutMs), algorithmNote(facts));
    const judgement = new Judgement()
      .note(mechanismFinding(receipt))
      .note(stuckFinding(`partitioned ${target}`, stuck, t.keepaliveS, shutsDown, routed))
      .verdict(judgeDetection(facts, server, 'hang', detectionMs, t.partitionDetectionMs, 'partition'))
      .verdict(partitionStuckVerdict(facts, server, stuck, t.partitionStuckMs, t.keepaliveS, detectionMs))
      .verdict(judgeReconnect(`the partitioned ${target}`, back, t.partitionReconnectMs, why))
      .note(
        connectRetryFinding(facts, s.ctx.deployment.balancer.configAsRun ?? '', {
          node: target,
          routed,
          closedWithoutConnack: attempts.closedWithoutConnack,
          clientConnectTimeoutMs: t.connectTimeoutMs,
        }),
      )
      .note(lateConnackFinding(slowest, t.reconnectAllMs))
      .verdict(loss);
    await healNet(s, target);
    if (detectionMs !== null)
      await s.markedUp(target, Date.now(), Math.min(t.capMs, riseBound(server.check).worstMs + 2000));
    return judgement.outcome(metrics);
  },
};
