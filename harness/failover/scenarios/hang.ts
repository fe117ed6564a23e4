/**
 * Hang a node (pause): the balancer should take it out; its clients only notice through keepalive.
 * Resumed at the end, and awaited back in rotation when it had been taken out.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { describeCheck, isPassive, riseBound, seconds, shutdownSessionsFinding } from '../check-facts.js';
import { heldSessionsFinding, judgeDetection, judgeReconnect, stuckFinding } from '../verdicts.js';
import { hangReconnectWindowMs } from '../windows.js';
import { attemptSummary, failoverMetrics, reconnectTimes, spread, stuckTimes } from '../measure.js';
import { algorithmNote, faultBusiestNode, routedByBalancer } from '../steps.js';
import { hungReconnectWhy } from '../findings.js';
import { passiveHangVerdict } from '../passive.js';
import { viewUnlessPassive } from '../../needs.js';

export const hang: FailoverScenarioDef = {
  name: 'hang',
  title: 'hang a node (pause): the balancer takes it out; its clients notice via keepalive',
  // passive checks (no DOWN state): judged by how long the clients stay stuck, without the per-server view
  needs: viewUnlessPassive(['pause', 'resume', 'balancer-facts']),
  timeoutMs: 90_000,
  async run(s) {
    const t = s.ctx.thresholds;
    const passiveChecks = isPassive(s.ctx.deployment.balancerFacts);
    const { facts, target, server, affected, t0, bound, detectionMs, passive } = await faultBusiestNode(s, {
      verb: 'pause',
      mode: 'hang',
      thresholdMs: t.hangDetectionMs,
      reconnectWindowMs: hangReconnectWindowMs(t, passiveChecks),
    });
    await s.settle();
    await s.traffic!.stop();
    const stuck = stuckTimes(affected, t0);
    // a backend that holds a hung node's persistent sessions there: those clients are reported apart, not judged
    const caps = s.ctx.deployment.capabilities;
    const held = caps.hungNodeHoldsSessions ? affected.filter((m) => m.role === 'subscriber') : [];
    const judged = affected.filter((m) => !held.includes(m));
    const back = reconnectTimes(judged, t0);
    const routed = passive
      ? null
      : routedByBalancer(s, target, t0, detectionMs === null ? Date.now() : t0 + detectionMs);
    const metrics = failoverMetrics({
      detectionMs,
      reconnectMs: back.ms,
      traffic: s.traffic!.totals(),
      timeline: s.timeline,
      extra: {
        node: target,
        affected: affected.length,
        worst_case_detection_ms: Number.isFinite(bound.worstMs) ? bound.worstMs : null,
        stuck_ms: stuck.ms,
        stuck_max_ms: spread(stuck.ms).max,
        never_noticed: stuck.never.length,
        routed_while_hung: routed,
        keepalive_s: t.keepaliveS,
        ...(passive ? { passive_checks: true } : {}),
      },
    });

    const shutsDown = detectionMs !== null && server.check.shutdownSessionsOnDown.value;
    const why = hungReconnectWhy(describeCheck(server), seconds(t.connectTimeoutMs), algorithmNote(facts));
    const judgement = new Judgement().note(stuckFinding(target, stuck, t.keepaliveS, shutsDown, routed));
    if (passive)
      judgement.verdict(
        passiveHangVerdict(facts, server, target, back, attemptSummary(affected, t0, Date.now()), t.hangDetectionMs),
      );
    else
      judgement
        .verdict(judgeDetection(facts, server, 'hang', detectionMs, t.hangDetectionMs, 'pause'))
        .note(
          detectionMs === null ? undefined : shutdownSessionsFinding(facts, server, spread(stuck.ms).max ?? undefined),
        );
    // Under passive checks the reconnect time is the same limit of the kind (reconnects sent to the hung node again):
    // passiveHangVerdict states it as a warning; with active checks it is judged.
    if (!passive) judgement.verdict(judgeReconnect(`the hung ${target}`, back, t.reconnectAllMs, why));
    if (held.length)
      judgement.note(
        heldSessionsFinding(target, s.ctx.deployment.brokerKind, reconnectTimes(held, t0), hangReconnectWindowMs(t)),
      );
    await s.restore();
    if (detectionMs !== null && !passive)
      await s.markedUp(target, Date.now(), Math.min(t.capMs, riseBound(server.check).worstMs + 2000));
    return judgement.outcome(metrics);
  },
};
