/**
 * Hang a node (pause): the balancer should take it out; its clients only notice through keepalive.
 * Resumed at the end, and awaited back in rotation when it had been taken out.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { describeCheck, riseBound, seconds, shutdownSessionsFinding } from '../check-facts.js';
import { judgeDetection, judgeReconnect, stuckFinding } from '../verdicts.js';
import { hangReconnectWindowMs } from '../windows.js';
import { failoverMetrics, reconnectTimes, spread, stuckTimes } from '../measure.js';
import { algorithmNote, faultBusiestNode, routedByBalancer } from '../steps.js';
import { hungReconnectWhy } from '../findings.js';

export const hang: FailoverScenarioDef = {
  name: 'hang',
  title: 'hang a node (pause): the balancer takes it out; its clients notice via keepalive',
  needs: ['pause', 'resume', 'balancer-facts', 'balancer-view'],
  timeoutMs: 90_000,
  async run(s) {
    const t = s.ctx.thresholds;
    const { facts, target, server, affected, t0, bound, detectionMs } = await faultBusiestNode(s, {
      verb: 'pause',
      mode: 'hang',
      thresholdMs: t.hangDetectionMs,
      reconnectWindowMs: hangReconnectWindowMs(t),
    });
    await s.settle();
    await s.traffic!.stop();
    const stuck = stuckTimes(affected, t0);
    const back = reconnectTimes(affected, t0);
    const routed = routedByBalancer(s, target, t0, detectionMs === null ? Date.now() : t0 + detectionMs);
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
      },
    });

    const shutsDown = detectionMs !== null && server.check.shutdownSessionsOnDown.value;
    const why = hungReconnectWhy(describeCheck(server), seconds(t.connectTimeoutMs), algorithmNote(facts));
    const judgement = new Judgement()
      .note(stuckFinding(target, stuck, t.keepaliveS, shutsDown, routed))
      .verdict(judgeDetection(facts, server, 'hang', detectionMs, t.hangDetectionMs, 'pause'))
      .note(
        detectionMs === null ? undefined : shutdownSessionsFinding(facts, server, spread(stuck.ms).max ?? undefined),
      )
      .verdict(judgeReconnect(`the hung ${target}`, back, t.reconnectAllMs, why));
    await s.restore();
    if (detectionMs !== null)
      await s.markedUp(target, Date.now(), Math.min(t.capMs, riseBound(server.check).worstMs + 2000));
    return judgement.outcome(metrics);
  },
};
