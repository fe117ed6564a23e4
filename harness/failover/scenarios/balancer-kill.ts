/**
 * The balancer itself killed (SIGKILL) and started again after `thresholds.failover.balancer_down_ms`: what the
 * clients see — time without service (kill → CONNACK again), reconnect attempts, QoS 1 deliveries in flight and the
 * persistent sessions (judged where the backend keeps them, harness/failover/steps.ts `assessLoss`).
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { attemptSummary, describeAttempts, failoverMetrics, reconnectTimes, spread } from '../measure.js';
import { assessLoss, warmUp } from '../steps.js';
import { judgeReconnect } from '../verdicts.js';
import { reconnectWindowMs } from '../windows.js';
import { balancerKillFinding } from '../findings.js';
import { logFailure } from '../../util/best-effort.js';
import { delay } from '../../util/wait.js';

export const balancerKill: FailoverScenarioDef = {
  name: 'balancer-kill',
  title: 'balancer killed (SIGKILL) and restarted: time without service, reconnects, QoS 1 in flight, sessions',
  needs: ['balancer-restart', 'balancer-facts'],
  timeoutMs: 90_000,
  async run(s) {
    const { deployment: d, thresholds: t } = s.ctx;
    const members = s.fleet.members;
    await warmUp(s);
    const t0 = Date.now();
    let upAt: number;
    try {
      s.stage.set('killing the balancer (SIGKILL)');
      await d.balancerFault!('kill');
      s.timeline.event('fault', { at: t0, detail: 'balancer SIGKILL' });
      // the fault's duration (a supervisor's restart delay), not a wait for a condition
      await delay(t.balancerDownMs);
      s.stage.set('restarting the balancer');
      await d.balancerFault!('restart');
      upAt = Date.now();
      s.timeline.event('note', { at: upAt, detail: `balancer answering again ${upAt - t0} ms after the kill` });
    } finally {
      await d.balancerFault!('restart').catch(logFailure('restarting the killed balancer'));
    }
    await s.allReconnected(members, t0, upAt - t0 + reconnectWindowMs(t));
    await Promise.all([warmUp(s), s.settle()]);
    await s.traffic!.stop();
    const back = reconnectTimes(members, t0);
    const attempts = attemptSummary(members, t0, Date.now());
    const loss = assessLoss(d, s, members, t, 'cut off by the balancer kill');
    const outage = { balancerMs: upAt - t0, clients: spread(back.ms), attempts: attempts.attempts };
    const metrics = failoverMetrics({
      detectionMs: null,
      reconnectMs: back.ms,
      traffic: s.traffic!.totals(),
      timeline: s.timeline,
      extra: {
        balancer_down_ms: outage.balancerMs,
        clients: members.length,
        reconnect_attempts: attempts,
        persistent_sessions: loss.persistent,
      },
    });
    // judged from the balancer answering again: its down time is the fault's, the rest is the clients' retry
    const afterUp = { ms: back.ms.map((ms) => Math.max(0, ms - outage.balancerMs)), missing: back.missing };
    return new Judgement()
      .note(balancerKillFinding(outage, describeAttempts(attempts), t.reconnectPeriodMs))
      .verdict(
        judgeReconnect(
          'the killed balancer',
          afterUp,
          t.reconnectAllMs,
          `clients retry every ${t.reconnectPeriodMs} ms; counted from the balancer answering again`,
        ),
      )
      .verdict(loss)
      .outcome(metrics);
  },
};
