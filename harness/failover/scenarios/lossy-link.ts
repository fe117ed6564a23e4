/**
 * A lossy link: random packet loss (both directions) between the balancer and a node, at the fault hop's address so
 * the node's health checks cross the same link. TCP retransmits, so a lossy link shows as a latency tail and maybe
 * a check that fails on one lost segment (the node flapped out, its sessions cut) — not as lost messages; judged on
 * delivery, duplicates and the delivery p99. Healed at the end.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { riseBound, serverOf } from '../check-facts.js';
import { failoverMetrics, reconnectTimes } from '../measure.js';
import { assessLoss } from '../steps.js';
import { healNet, mechanismFinding, netTarget, watchDegraded } from '../net-steps.js';
import { lossyLinkVerdict } from '../net-findings.js';

export const lossyLink: FailoverScenarioDef = {
  name: 'lossy-link',
  title: 'lossy link (random packet loss at the fault hop): delivery, duplicates, latency tail, checks that flap',
  needs: ['link-faults', { netFault: 'loss' }, 'balancer-facts', 'balancer-view'],
  timeoutMs: 120_000,
  async run(s) {
    const t = s.ctx.thresholds;
    const d = s.ctx.deployment;
    const facts = d.balancerFacts;
    const target = netTarget(s);
    const server = serverOf(facts, target);
    const clients = s.on(target);
    const fault = { verb: 'loss' as const, pct: t.lossyLinkPct };
    const w = await watchDegraded(s, target, fault, {
      observeMs: t.lossyLinkObserveMs,
      freshCount: 6,
      firstAddress: 160,
    });
    await healNet(s, target);
    await s.settle();
    await s.traffic!.stop();
    const totals = s.traffic!.totals();
    const back = reconnectTimes(w.cut, w.t0);
    const loss = assessLoss(d, s, w.cut, t);
    const metrics = failoverMetrics({
      detectionMs: w.detectionMs,
      reconnectMs: back.ms,
      traffic: totals,
      timeline: s.timeline,
      extra: {
        node: target,
        mechanism: w.receipt.mechanism,
        loss_pct: t.lossyLinkPct,
        taken_out: w.detectionMs !== null,
        sessions_cut: w.cut.length,
        clients_on_node: clients.length,
        new_connections: { total: w.fresh.length, on_lossy_node: w.fresh.filter((n) => n === target).length },
        ...(w.freshError ? { new_connections_error: w.freshError } : {}),
        latency_ms: { p50: w.latency.p50, p99: w.latency.p99, max: w.latency.max, deliveries: w.latency.deliveries },
      },
    });
    const judgement = new Judgement()
      .note(mechanismFinding(w.receipt))
      .note({
        severity: 'info',
        title: `lossy link (${t.lossyLinkPct} % packet loss on ${target}'s link): delivery latency p50 ${w.latency.p50 ?? '-'} ms, p99 ${w.latency.p99 ?? '-'} ms, max ${w.latency.max ?? '-'} ms; QoS 1 lost ${totals[1].lost}, duplicated ${totals[1].duplicated}`,
        detail:
          'TCP retransmits lost segments, so random loss on the link shows as added latency and tail spikes — a lossy link, not lost messages; messages are lost only where a connection is cut',
      })
      .verdict(
        lossyLinkVerdict(facts, server, {
          node: target,
          fault: `${t.lossyLinkPct} % packet loss`,
          detectionMs: w.detectionMs,
          cut: w.cut.length,
          clients: clients.length,
          routed: w.routed,
          p99Ms: w.latency.p99,
          p99ThresholdMs: t.lossyLinkP99Ms,
        }),
      )
      .verdict(loss);
    if (w.detectionMs !== null)
      await s.markedUp(target, Date.now(), Math.min(t.capMs, riseBound(server.check).worstMs + 2000));
    return judgement.outcome(metrics);
  },
};
