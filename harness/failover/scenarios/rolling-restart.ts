/**
 * Rolling restart (an upgrade): every node stopped gracefully and started again, one at a time, each back in
 * rotation before the next. QoS 1 loss is judged where the backend keeps sessions across a node's loss
 * (Capabilities, harness/failover/steps.ts `assessLoss`); the placement left behind is reported with the
 * algorithm's line and the remedy (long-lived connections are never moved back by the balancer).
 */
import type { FailoverScenarioDef } from '../scenario.js';
import type { FleetMember } from '../fleet.js';
import { Judgement } from '../../suite/scenario-def.js';
import { detectionBound, serverOf } from '../check-facts.js';
import { detectionWindowMs, reconnectWindowMs } from '../windows.js';
import { attemptSummary, describeAttempts, failoverMetrics, reconnectTimes } from '../measure.js';
import { assessLoss, warmUp } from '../steps.js';
import { judgeReconnect } from '../verdicts.js';
import { imbalanceFinding, landedOnStopping } from '../findings.js';
import { viewUnlessPassive } from '../../needs.js';

export const rollingRestart: FailoverScenarioDef = {
  name: 'rolling-restart',
  title: 'rolling restart of every node: no QoS 1 loss where sessions persist, the imbalance left behind',
  needs: viewUnlessPassive(['stop', 'restart', 'balancer-facts']),
  timeoutMs: 180_000,
  async run(s) {
    const { deployment: d, thresholds: t } = s.ctx;
    const before = s.countsByNode();
    const cut = new Set<FleetMember>();
    const steps: Array<Record<string, unknown>> = [];
    const reconnectMs: number[] = [];
    const judgement = new Judgement();
    await warmUp(s);
    for (const n of d.nodes) {
      const server = serverOf(d.balancerFacts, n.name);
      const bound = detectionBound(server.check, 'crash');
      s.placement = await s.fleet.placement(d);
      const affected = s.on(n.name);
      affected.forEach((m) => cut.add(m));
      const t0 = await s.fault(n.name, 'stop');
      const [detectionMs] = await Promise.all([
        bound.passive ? null : s.detection(n.name, t0, detectionWindowMs(bound, t.detectionMs, t.capMs)),
        s.allReconnected(affected, t0, reconnectWindowMs(t) + 2 * t.connectTimeoutMs),
      ]);
      const back = reconnectTimes(affected, t0);
      reconnectMs.push(...back.ms);
      const attempts = attemptSummary(affected, t0, Date.now());
      // a client may land on the stopping node before it is out of rotation: one connect timeout per such attempt
      const allowMs = t.reconnectAllMs + 2 * t.connectTimeoutMs;
      const tried = `rolling restart, ${n.name}: ${describeAttempts(attempts)}`;
      judgement
        .verdict(judgeReconnect(`the stopped ${n.name}`, back, allowMs, tried))
        .note(landedOnStopping(d.balancerFacts, n.name, attempts.closedWithoutConnack, t.connectTimeoutMs));
      const r0 = await s.fault(n.name, 'restart');
      const returnMs = bound.passive ? null : await s.markedUp(n.name, r0, Math.min(t.capMs, t.returnMs + 4000));
      if (!bound.passive && returnMs === null)
        judgement.problem(`${n.name} was not back in rotation within ${t.returnMs + 4000} ms of its restart`);
      steps.push({ node: n.name, affected: affected.length, detection_ms: detectionMs, return_ms: returnMs });
      // a few samples of the node back in rotation before the next one goes (not a wait for the stream)
      await s.settle(2);
    }
    await s.settle();
    await s.traffic!.stop();
    s.placement = await s.fleet.placement(d);
    const after = s.countsByNode();
    const members = [...cut];
    const loss = assessLoss(d, s, members, t, 'of the restarted nodes');
    const metrics = failoverMetrics({
      detectionMs: null,
      reconnectMs,
      traffic: s.traffic!.totals(),
      timeline: s.timeline,
      extra: {
        steps,
        placement_before: before,
        placement_after: after,
        persistent_sessions: loss.persistent,
      },
    });
    return judgement
      .note(imbalanceFinding(d.balancerFacts, before, after))
      .verdict(loss)
      .outcome(metrics);
  },
};
