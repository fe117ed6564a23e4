/**
 * Kill a node: detection, what the balancer routed to the dead node before it noticed, the reconnect
 * of every client, loss per QoS and persistent sessions.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { describeCheck } from '../check-facts.js';
import { judgeDetection, judgeReconnect } from '../verdicts.js';
import { reconnectWindowMs } from '../windows.js';
import { attemptSummary, failoverMetrics, reconnectTimes } from '../measure.js';
import { assessLoss, faultBusiestNode, routedByBalancer, routedFinding, warmUp } from '../steps.js';
import { passiveKillFinding } from '../passive.js';
import { viewUnlessPassive } from '../../needs.js';

export const kill: FailoverScenarioDef = {
  name: 'kill',
  title:
    'kill a node: detection, routing to the dead node, reconnect of every client, loss per QoS, persistent sessions',
  // passive checks (no DOWN state): judged by the clients only, the balancer's per-server view is not needed
  needs: viewUnlessPassive(['kill', 'restart', 'balancer-facts']),
  timeoutMs: 90_000,
  async run(s) {
    const t = s.ctx.thresholds;
    const { facts, target, server, affected, t0, bound, detectionMs, passive } = await faultBusiestNode(s, {
      verb: 'kill',
      mode: 'crash',
      thresholdMs: t.detectionMs,
      reconnectWindowMs: reconnectWindowMs(t),
    });
    const detectedAt = detectionMs === null ? Date.now() : t0 + detectionMs;
    const routed = passive ? null : routedByBalancer(s, target, t0, detectedAt);
    const attempts = attemptSummary(affected, t0, detectedAt);
    await Promise.all([warmUp(s), s.settle()]);
    await s.traffic!.stop();
    const back = reconnectTimes(affected, t0);
    const loss = assessLoss(s.ctx.deployment, s, affected, t);
    const metrics = failoverMetrics({
      detectionMs,
      reconnectMs: back.ms,
      traffic: s.traffic!.totals(),
      timeline: s.timeline,
      extra: {
        node: target,
        affected: affected.length,
        worst_case_detection_ms: Number.isFinite(bound.worstMs) && !passive ? bound.worstMs : null,
        ...(passive ? { passive_checks: true } : {}),
        routed_before_detection: { balancer_sessions: routed, client_attempts: attempts },
        persistent_sessions: loss.persistent,
      },
    });
    const how = `${describeCheck(server)}; clients retry every ${t.reconnectPeriodMs} ms`;
    const judgement = passive
      ? new Judgement().note(passiveKillFinding(facts, server, target, attempts, t.reconnectAllMs))
      : new Judgement()
          .verdict(judgeDetection(facts, server, 'crash', detectionMs, t.detectionMs, 'kill'))
          .note(routedFinding(facts, target, routed, attempts, describeCheck(server)));
    return judgement
      .verdict(judgeReconnect(target, back, t.reconnectAllMs, how))
      .verdict(loss)
      .outcome(metrics);
  },
};
