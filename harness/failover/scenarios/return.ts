/**
 * A killed node returns (restart): marked UP after `rise`, new connections reach it, and the
 * imbalance its absence left behind. Idle clients only (no stream). The restart resolves once the node serves
 * again (its listeners accept connections): the balancer is judged from then on; the node's own boot time (RabbitMQ:
 * 6 s idle, far more on a busy machine) is reported beside it, not charged to `rise`.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { describeCheck, detectionBound, riseBound, serverOf } from '../check-facts.js';
import { judgeReturn } from '../verdicts.js';
import { detectionWindowMs, reconnectWindowMs } from '../windows.js';
import { failoverMetrics, reconnectTimes } from '../measure.js';
import { freshConnections } from '../steps.js';

export const returns: FailoverScenarioDef = {
  name: 'return',
  title: 'node returns (restart): marked UP after rise, new connections reach it, the imbalance left behind',
  needs: ['kill', 'restart', 'balancer-facts', 'balancer-view'],
  timeoutMs: 90_000,
  options: () => ({ traffic: false }),
  async run(s) {
    const { deployment, pool, thresholds: t, runId } = s.ctx;
    const target = s.busiestNode();
    const server = serverOf(deployment.balancerFacts, target);
    const before = s.countsByNode();
    const affected = s.on(target);
    const t0 = await s.fault(target, 'kill');
    const [detectionMs] = await Promise.all([
      s.detection(target, t0, detectionWindowMs(detectionBound(server.check, 'crash'), t.detectionMs, t.capMs)),
      s.allReconnected(affected, t0, reconnectWindowMs(t)),
    ]);
    const tr = await s.fault(target, 'restart');
    const bootMs = Date.now() - tr;
    const rise = riseBound(server.check);
    const upMs = await s.markedUp(target, tr, Math.min(t.capMs, Math.max(t.returnMs, rise.worstMs) + 1000));
    // marked UP counted from when the node served again (a check may pass a moment before the restart resolved)
    const upAfterServingMs = upMs === null ? null : Math.max(0, upMs - bootMs);
    await s.settle();
    s.placement = await s.fleet.placement(deployment);
    const after = s.countsByNode();
    const fresh = await freshConnections(deployment, pool, `fo-${runId}-return-new`, 15, 101);
    const reached = fresh.filter((node) => node === target).length;
    const metrics = failoverMetrics({
      detectionMs,
      reconnectMs: reconnectTimes(affected, t0).ms,
      timeline: s.timeline,
      extra: {
        node: target,
        return_ms: upMs,
        boot_ms: bootMs,
        return_after_serving_ms: upAfterServingMs,
        expected_return_ms: rise.worstMs,
        fleet_before: before,
        fleet_after: after,
        new_connections: { total: fresh.length, on_returned_node: reached },
      },
    });
    const verdict = judgeReturn(deployment.balancerFacts, server, describeCheck(server), {
      node: target,
      upMs: upAfterServingMs,
      bootMs,
      thresholdMs: t.returnMs,
      riseFormula: rise.formula,
      before,
      after,
      fresh: { total: fresh.length, onNode: reached },
    });
    return new Judgement().verdict(verdict).outcome(metrics);
  },
};
