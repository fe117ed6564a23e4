/**
 * A slow node: +delay ± jitter on everything a node sends back through the fault hop (its health checks included).
 * Does the balancer take it out (a check timeout below its answer time: its sessions cut) or keep feeding it
 * (leastconn counts connections, `observe layer4` counts errors — neither sees latency), and what is the delivery
 * p99 through the balancer meanwhile. Healed at the end.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { runDegraded } from '../degraded-scenario.js';
import { slowNodeVerdict } from '../net-findings.js';

export const slowNode: FailoverScenarioDef = {
  name: 'slow-node',
  title: 'slow node (+500 ms ± 100 ms at the fault hop): taken out or kept, new connections it gets, delivery p99',
  needs: ['link-faults', { netFault: 'delay' }, 'balancer-facts', 'balancer-view'],
  timeoutMs: 120_000,
  run: (s) =>
    runDegraded(s, {
      fault: (t) => ({ verb: 'delay', ms: t.slowNodeDelayMs, jitterMs: t.slowNodeJitterMs }),
      observeMs: (t) => t.slowNodeObserveMs,
      firstAddress: 150,
      landedKey: 'on_slow_node',
      faultMetrics: (t) => ({ added_latency_ms: t.slowNodeDelayMs, jitter_ms: t.slowNodeJitterMs }),
      reportRouted: true,
      judge: ({ target, facts, server, clients, w }, t, j) =>
        j.verdict(
          slowNodeVerdict(facts, server, s.ctx.deployment.balancer.configAsRun ?? '', {
            node: target,
            fault: `+${t.slowNodeDelayMs} ms ± ${t.slowNodeJitterMs} ms`,
            detectionMs: w.detectionMs,
            cut: w.cut.length,
            clients: clients.length,
            routed: w.fresh.length ? w.fresh.filter((n) => n === target).length : w.routed,
            p99Ms: w.latency.p99,
            p99ThresholdMs: t.slowNodeP99Ms,
            answerMs: t.slowNodeDelayMs + t.slowNodeJitterMs,
          }),
        ),
    }),
};
