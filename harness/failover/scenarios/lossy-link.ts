/**
 * A lossy link: random packet loss (both directions) between the balancer and a node, at the fault hop's address so
 * the node's health checks cross the same link. TCP retransmits, so a lossy link shows as a latency tail and maybe
 * a check that fails on one lost segment (the node flapped out, its sessions cut) — not as lost messages; judged on
 * delivery, duplicates and the delivery p99. Healed at the end.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { runDegraded } from '../degraded-scenario.js';
import { lossyLinkVerdict } from '../net-findings.js';

export const lossyLink: FailoverScenarioDef = {
  name: 'lossy-link',
  title: 'lossy link (random packet loss at the fault hop): delivery, duplicates, latency tail, checks that flap',
  needs: ['link-faults', { netFault: 'loss' }, 'balancer-facts', 'balancer-view'],
  timeoutMs: 120_000,
  run: (s) =>
    runDegraded(s, {
      fault: (t) => ({ verb: 'loss', pct: t.lossyLinkPct }),
      observeMs: (t) => t.lossyLinkObserveMs,
      firstAddress: 160,
      landedKey: 'on_lossy_node',
      faultMetrics: (t) => ({ loss_pct: t.lossyLinkPct }),
      judge: ({ target, facts, server, clients, w, traffic }, t, j) =>
        j
          .note({
            severity: 'info',
            title: `lossy link (${t.lossyLinkPct} % packet loss on ${target}'s link): delivery latency p50 ${w.latency.p50 ?? '-'} ms, p99 ${w.latency.p99 ?? '-'} ms, max ${w.latency.max ?? '-'} ms; QoS 1 lost ${traffic[1].lost}, duplicated ${traffic[1].duplicated}`,
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
          ),
    }),
};
