/**
 * A slow node: +delay ± jitter on everything a node sends back through the fault hop (its health checks included).
 * Does the balancer take it out (a check timeout below its answer time: its sessions cut) or keep feeding it
 * (leastconn counts connections, `observe layer4` counts errors — neither sees latency), and what is the delivery
 * p99 through the balancer meanwhile. Healed at the end.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { riseBound, serverOf } from '../check-facts.js';
import { failoverMetrics, reconnectTimes } from '../measure.js';
import { assessLoss } from '../steps.js';
import { healNet, mechanismFinding, netTarget, watchDegraded } from '../net-steps.js';
import { slowNodeVerdict } from '../net-findings.js';

export const slowNode: FailoverScenarioDef = {
  name: 'slow-node',
  title: 'slow node (+500 ms ± 100 ms at the fault hop): taken out or kept, new connections it gets, delivery p99',
  needs: ['link-faults', { netFault: 'delay' }, 'balancer-facts', 'balancer-view'],
  timeoutMs: 120_000,
  async run(s) {
    const t = s.ctx.thresholds;
    const d = s.ctx.deployment;
    const facts = d.balancerFacts;
    const target = netTarget(s);
    const server = serverOf(facts, target);
    const clients = s.on(target);
    const fault = { verb: 'delay' as const, ms: t.slowNodeDelayMs, jitterMs: t.slowNodeJitterMs };
    const w = await watchDegraded(s, target, fault, {
      observeMs: t.slowNodeObserveMs,
      freshCount: 6,
      firstAddress: 150,
    });
    await healNet(s, target);
    await s.settle();
    await s.traffic!.stop();
    const back = reconnectTimes(w.cut, w.t0);
    const loss = assessLoss(d, s, w.cut, t);
    const answerMs = t.slowNodeDelayMs + t.slowNodeJitterMs;
    const metrics = failoverMetrics({
      detectionMs: w.detectionMs,
      reconnectMs: back.ms,
      traffic: s.traffic!.totals(),
      timeline: s.timeline,
      extra: {
        node: target,
        mechanism: w.receipt.mechanism,
        added_latency_ms: t.slowNodeDelayMs,
        jitter_ms: t.slowNodeJitterMs,
        taken_out: w.detectionMs !== null,
        sessions_cut: w.cut.length,
        clients_on_node: clients.length,
        new_connections: { total: w.fresh.length, on_slow_node: w.fresh.filter((n) => n === target).length },
        ...(w.freshError ? { new_connections_error: w.freshError } : {}),
        routed_during_fault: w.routed,
        latency_ms: { p50: w.latency.p50, p99: w.latency.p99, max: w.latency.max, deliveries: w.latency.deliveries },
      },
    });
    const judgement = new Judgement()
      .note(mechanismFinding(w.receipt))
      .verdict(
        slowNodeVerdict(facts, server, d.balancer.configAsRun ?? '', {
          node: target,
          fault: `+${t.slowNodeDelayMs} ms ± ${t.slowNodeJitterMs} ms`,
          detectionMs: w.detectionMs,
          cut: w.cut.length,
          clients: clients.length,
          routed: w.fresh.length ? w.fresh.filter((n) => n === target).length : w.routed,
          p99Ms: w.latency.p99,
          p99ThresholdMs: t.slowNodeP99Ms,
          answerMs,
        }),
      )
      .verdict(loss);
    if (w.detectionMs !== null)
      await s.markedUp(target, Date.now(), Math.min(t.capMs, riseBound(server.check).worstMs + 2000));
    return judgement.outcome(metrics);
  },
};
