/**
 * Graceful stop of a node: its clients reconnect elsewhere, and their wills are published as the
 * backend documents (asserted only where it does); a watcher on another node counts them.
 */
import type { FailoverScenarioDef, ScenarioContext } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { describeCheck, detectionBound, serverOf } from '../check-facts.js';
import { judgeDetection, judgeReconnect } from '../verdicts.js';
import { detectionWindowMs, reconnectWindowMs } from '../windows.js';
import { attemptSummary, failoverMetrics, reconnectTimes } from '../measure.js';
import { passiveKillFinding } from '../passive.js';
import { viewUnlessPassive } from '../../needs.js';
import { assessLoss, connectOffNode, warmUp, willsExpectedOnStop } from '../steps.js';
import { willsFinding } from '../findings.js';
import { Inbox, subscribe } from '../../clients/mqtt.js';
import { waitFor } from '../../util/wait.js';

const willTopic = (ctx: ScenarioContext): string => `mqtt-lb/failover/${ctx.runId}/wills`;

export const gracefulStop: FailoverScenarioDef = {
  name: 'stop',
  title: 'graceful stop: clients reconnect elsewhere, wills as the backend documents',
  needs: viewUnlessPassive(['stop', 'restart', 'balancer-facts']),
  timeoutMs: 90_000,
  options: (ctx) => ({
    fleet: {
      will: (id) => ({ topic: `${willTopic(ctx)}/${id}`, payload: Buffer.from('gone'), qos: 1, retain: false }),
    },
  }),
  async run(s) {
    const { deployment: d, pool, thresholds: t, runId } = s.ctx;
    const topic = willTopic(s.ctx);
    const target = s.busiestNode();
    const server = serverOf(d.balancerFacts, target);
    const affected = s.on(target);
    const watcher = await connectOffNode(d, pool, `fo-${runId}-stop-watch`, target, 201);
    const wills = new Inbox(watcher, (name) => name.startsWith(`${topic}/`));
    await subscribe(watcher, `${topic}/+`, 1);
    await warmUp(s);
    const t0 = await s.fault(target, 'stop');
    const bound = detectionBound(server.check, 'crash');
    const [detectionMs] = await Promise.all([
      // passive checks: no DOWN state to wait for; a stopped node refuses connects like a killed one
      bound.passive ? null : s.detection(target, t0, detectionWindowMs(bound, t.detectionMs, t.capMs)),
      s.allReconnected(affected, t0, reconnectWindowMs(t)),
    ]);
    const expectWills = willsExpectedOnStop(d);
    const allWills = (): boolean => wills.messages.length >= affected.length;
    await Promise.all([
      s.settle(),
      // missing wills are counted and judged below
      expectWills === 'all' && waitFor(allWills, { timeoutMs: 3000, what: 'wills' }).catch(() => undefined),
    ]);
    await s.traffic!.stop();
    const affectedIds = new Set(affected.map((m) => m.id));
    const willIds = new Set(wills.messages.map((m) => m.topic.slice(topic.length + 1)));
    const unexpected = [...willIds].filter((id) => !affectedIds.has(id));
    const back = reconnectTimes(affected, t0);
    const loss = assessLoss(d, s, affected, t);
    const metrics = failoverMetrics({
      detectionMs,
      reconnectMs: back.ms,
      traffic: s.traffic!.totals(),
      timeline: s.timeline,
      extra: {
        node: target,
        affected: affected.length,
        wills: {
          expected: expectWills,
          received: willIds.size,
          of_affected: [...willIds].filter((id) => affectedIds.has(id)).length,
          unexpected: unexpected.length,
        },
      },
    });
    return new Judgement()
      .note(willsFinding(d.brokerKind, target, willIds.size, affected.length, expectWills === 'all'))
      .problem(
        expectWills === 'all' && willIds.size < affected.length && `wills: ${willIds.size} of ${affected.length}`,
      )
      .problem(unexpected.length > 0 && `wills of clients not on ${target}: ${unexpected.join(', ')}`)
      .verdict(
        bound.passive
          ? {
              findings: [
                passiveKillFinding(
                  d.balancerFacts,
                  server,
                  target,
                  attemptSummary(affected, t0, Date.now()),
                  t.reconnectAllMs,
                ),
              ],
              problems: [],
            }
          : judgeDetection(d.balancerFacts, server, 'crash', detectionMs, t.detectionMs, 'graceful stop'),
      )
      .verdict(judgeReconnect(`the stopped ${target}`, back, t.reconnectAllMs, describeCheck(server)))
      .verdict(loss)
      .outcome(metrics);
  },
};
