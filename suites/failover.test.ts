/**
 * Failover through the balancer: when a node dies, hangs, returns or stops, and when the balancer
 * reloads — how long until the balancer stops sending clients to the node, how long until every
 * client is back, and what the steady message stream lost. Thresholds: profile `thresholds.failover`
 * (harness/failover/thresholds.ts); findings name the config line that explains a failure.
 */
import { describe, expect, test } from '@jest/globals';
import type { FailoverMetrics } from '../harness/report/summary-types.js';
import type { FaultVerb } from '../harness/types.js';
import { useDeployment } from '../harness/suite/context.js';
import { failoverThresholds } from '../harness/failover/thresholds.js';
import { FailoverScenario, type ScenarioContext } from '../harness/failover/scenario.js';
import {
  describeCheck,
  detectionBound,
  riseBound,
  seconds,
  serverOf,
  shutdownSessionsFinding,
  type FaultMode,
} from '../harness/failover/check-facts.js';
import {
  judgeDetection,
  judgeReconnect,
  judgeReturn,
  stuckFinding,
  type Verdict,
} from '../harness/failover/verdicts.js';
import { detectionWindowMs, hangReconnectWindowMs, reconnectWindowMs } from '../harness/failover/windows.js';
import { attemptSummary, failoverMetrics, reconnectTimes, spread, stuckTimes } from '../harness/failover/measure.js';
import {
  algorithmNote,
  assessLoss,
  connectOffNode,
  freshConnections,
  routedByBalancer,
  routedFinding,
  warmUp,
  willsExpectedOnStop,
} from '../harness/failover/steps.js';
import { ConnectProber } from '../harness/failover/connect-prober.js';
import { Inbox, subscribe } from '../harness/clients/mqtt.js';
import { waitFor } from '../harness/util/wait.js';

const h = useDeployment('failover');
const t = failoverThresholds(h.profile.thresholds.failover);
const run = `${process.pid}-${Date.now().toString(36)}`;
const ctx = (): ScenarioContext => ({ d: h.deployment, pool: h.pool, t, run });
const scenarios: Record<string, FailoverMetrics> = {};
const record = (name: string, m: FailoverMetrics): void => {
  scenarios[name] = m;
  h.metric('scenarios', scenarios);
};
const TEST_MS = 90_000;

/** Attaches a verdict's findings to the running test and collects its problems. */
function apply(problems: string[], v: Verdict): void {
  for (const f of v.findings) h.finding(f);
  problems.push(...v.problems);
}

/**
 * Warms the stream up, injects `verb` on the busiest node, then waits (bounded) both for the balancer to take the
 * node out — within the window the check's worst case for `mode` and `thresholdMs` allow — and for its clients to be back.
 */
async function faultBusiestNode(
  s: FailoverScenario,
  f: { verb: FaultVerb; mode: FaultMode; thresholdMs: number; reconnectWindowMs: number },
) {
  const facts = h.deployment.balancerFacts;
  const target = s.busiestNode();
  const server = serverOf(facts, target);
  const affected = s.on(target);
  await warmUp(s);
  const t0 = await s.fault(target, f.verb);
  const bound = detectionBound(server.check, f.mode);
  const [detectionMs] = await Promise.all([
    s.detection(target, t0, detectionWindowMs(bound, f.thresholdMs, t.capMs)),
    s.allReconnected(affected, t0, f.reconnectWindowMs),
  ]);
  return { facts, target, server, affected, t0, bound, detectionMs };
}

describe('failover', () => {
  test(
    'kill a node: detection, routing to the dead node, reconnect of every client, loss per QoS, persistent sessions',
    async () => {
      const s = await FailoverScenario.begin(ctx(), 'kill');
      const problems: string[] = [];
      try {
        const { facts, target, server, affected, t0, bound, detectionMs } = await faultBusiestNode(s, {
          verb: 'kill',
          mode: 'crash',
          thresholdMs: t.detectionMs,
          reconnectWindowMs: reconnectWindowMs(t),
        });
        const detectedAt = detectionMs === null ? Date.now() : t0 + detectionMs;
        const routed = routedByBalancer(s, target, t0, detectedAt);
        const attempts = attemptSummary(affected, t0, detectedAt);
        await Promise.all([warmUp(s), s.settle()]);
        await s.traffic!.stop();
        const back = reconnectTimes(affected, t0);
        const loss = assessLoss(h.deployment, s, affected, t);
        record(
          'kill',
          failoverMetrics({
            detectionMs,
            reconnectMs: back.ms,
            traffic: s.traffic!.totals(),
            timeline: s.timeline,
            extra: {
              node: target,
              affected: affected.length,
              worst_case_detection_ms: Number.isFinite(bound.worstMs) ? bound.worstMs : null,
              routed_before_detection: { balancer_sessions: routed, client_attempts: attempts },
              persistent_sessions: loss.persistent,
            },
          }),
        );

        apply(problems, judgeDetection(facts, server, 'crash', detectionMs, t.detectionMs, 'kill'));
        h.finding(routedFinding(facts, target, routed, attempts, describeCheck(server)));
        apply(
          problems,
          judgeReconnect(
            target,
            back,
            t.reconnectAllMs,
            `${describeCheck(server)}; clients retry every ${t.reconnectPeriodMs} ms`,
          ),
        );
        apply(problems, loss);
      } finally {
        await s.finish();
      }
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  test(
    'hang a node (pause): the balancer takes it out; its clients notice via keepalive',
    async () => {
      const s = await FailoverScenario.begin(ctx(), 'hang');
      const problems: string[] = [];
      try {
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
        record(
          'hang',
          failoverMetrics({
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
          }),
        );

        const st = spread(stuck.ms);
        h.finding(
          stuckFinding(
            target,
            stuck,
            t.keepaliveS,
            detectionMs !== null && server.check.shutdownSessionsOnDown.value,
            routed,
          ),
        );
        apply(problems, judgeDetection(facts, server, 'hang', detectionMs, t.hangDetectionMs, 'pause'));
        const noShutdown =
          detectionMs === null ? undefined : shutdownSessionsFinding(facts, server, st.max ?? undefined);
        if (noShutdown) h.finding(noShutdown);
        const why = algorithmNote(facts);
        apply(
          problems,
          judgeReconnect(
            `the hung ${target}`,
            back,
            t.reconnectAllMs,
            `${describeCheck(server)}; new connections the balancer sends to the hung node get no CONNACK (client connect timeout ${seconds(t.connectTimeoutMs)})${why ? `; ${why}` : ''}`,
          ),
        );
        await s.restore();
        if (detectionMs !== null)
          await s.markedUp(target, Date.now(), Math.min(t.capMs, riseBound(server.check).worstMs + 2000));
      } finally {
        await s.finish();
      }
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  test(
    'node returns (restart): marked UP after rise, new connections reach it, the imbalance left behind',
    async () => {
      const s = await FailoverScenario.begin(ctx(), 'return', { traffic: false });
      const problems: string[] = [];
      try {
        const d = h.deployment;
        const target = s.busiestNode();
        const server = serverOf(d.balancerFacts, target);
        const before = s.countsByNode();
        const affected = s.on(target);
        const t0 = await s.fault(target, 'kill');
        const [detectionMs] = await Promise.all([
          s.detection(target, t0, detectionWindowMs(detectionBound(server.check, 'crash'), t.detectionMs, t.capMs)),
          s.allReconnected(affected, t0, reconnectWindowMs(t)),
        ]);
        const tr = await s.fault(target, 'restart');
        const rise = riseBound(server.check);
        const upMs = await s.markedUp(target, tr, Math.min(t.capMs, Math.max(t.returnMs, rise.worstMs) + 1000));
        await s.settle();
        s.placement = await s.fleet.placement(d);
        const after = s.countsByNode();
        const fresh = await freshConnections(d, h.pool, `fo-${run}-return-new`, 15, 101);
        const reached = fresh.filter((node) => node === target).length;
        record(
          'return',
          failoverMetrics({
            detectionMs,
            reconnectMs: reconnectTimes(affected, t0).ms,
            timeline: s.timeline,
            extra: {
              node: target,
              return_ms: upMs,
              expected_return_ms: rise.worstMs,
              fleet_before: before,
              fleet_after: after,
              new_connections: { total: fresh.length, on_returned_node: reached },
            },
          }),
        );

        apply(
          problems,
          judgeReturn(d.balancerFacts, server, describeCheck(server), {
            node: target,
            upMs,
            thresholdMs: t.returnMs,
            riseFormula: rise.formula,
            before,
            after,
            fresh: { total: fresh.length, onNode: reached },
          }),
        );
      } finally {
        await s.finish();
      }
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  test(
    'graceful stop: clients reconnect elsewhere, wills as the backend documents',
    async () => {
      const willTopic = `mqtt-lb/failover/${run}/wills`;
      const s = await FailoverScenario.begin(ctx(), 'stop', {
        fleet: { will: (id) => ({ topic: `${willTopic}/${id}`, payload: Buffer.from('gone'), qos: 1, retain: false }) },
      });
      const problems: string[] = [];
      try {
        const d = h.deployment;
        const target = s.busiestNode();
        const server = serverOf(d.balancerFacts, target);
        const affected = s.on(target);
        const watcher = await connectOffNode(d, h.pool, `fo-${run}-stop-watch`, target, 201);
        const wills = new Inbox(watcher, (topic) => topic.startsWith(`${willTopic}/`));
        await subscribe(watcher, `${willTopic}/+`, 1);
        await warmUp(s);
        const t0 = await s.fault(target, 'stop');
        const [detectionMs] = await Promise.all([
          s.detection(target, t0, detectionWindowMs(detectionBound(server.check, 'crash'), t.detectionMs, t.capMs)),
          s.allReconnected(affected, t0, reconnectWindowMs(t)),
        ]);
        const expectWills = willsExpectedOnStop(d);
        await Promise.all([
          s.settle(),
          expectWills === 'all' &&
            waitFor(() => wills.messages.length >= affected.length, { timeoutMs: 3000, what: 'wills' }).catch(
              () => undefined,
            ),
        ]);
        await s.traffic!.stop();
        const affectedIds = new Set(affected.map((m) => m.id));
        const willIds = new Set(wills.messages.map((m) => m.topic.slice(willTopic.length + 1)));
        const unexpected = [...willIds].filter((id) => !affectedIds.has(id));
        const back = reconnectTimes(affected, t0);
        const loss = assessLoss(d, s, affected, t);
        record(
          'stop',
          failoverMetrics({
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
          }),
        );

        h.finding({
          severity: 'info',
          title: `${willIds.size} will(s) published for ${affected.length} clients of the stopped ${target}`,
          detail:
            expectWills === 'all'
              ? `${d.brokerKind}: a graceful stop closes every client's socket before the broker shuts down, so each Will is published`
              : `${d.brokerKind}: Wills on a graceful stop are not documented; reported, not asserted`,
        });
        if (expectWills === 'all' && willIds.size < affected.length)
          problems.push(`wills: ${willIds.size} of ${affected.length}`);
        if (unexpected.length) problems.push(`wills of clients not on ${target}: ${unexpected.join(', ')}`);
        apply(problems, judgeDetection(d.balancerFacts, server, 'crash', detectionMs, t.detectionMs, 'graceful stop'));
        apply(problems, judgeReconnect(`the stopped ${target}`, back, t.reconnectAllMs, describeCheck(server)));
        apply(problems, loss);
      } finally {
        await s.finish();
      }
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  test(
    'balancer reload under load: established connections survive, no refused connects',
    async () => {
      const s = await FailoverScenario.begin(ctx(), 'reload');
      const problems: string[] = [];
      const d = h.deployment;
      const prober = new ConnectProber(d, h.pool, `fo-${run}-reload-new`, {
        intervalMs: 50,
        maxCount: 200,
        maxMs: 15_000,
        connectTimeoutMs: 3000,
        firstAddress: 151,
        addresses: 40,
      });
      try {
        await warmUp(s);
        prober.start();
        await waitFor(() => prober.results.length >= 5, { timeoutMs: 5000, what: 'connections before the reload' });
        const t0 = Date.now();
        await d.reloadBalancer();
        const reloadMs = Date.now() - t0;
        s.timeline.event('reload', { at: t0, detail: `balancer reloaded in ${reloadMs} ms` });
        await waitFor(() => prober.results.filter((r) => r.at >= t0 + reloadMs).length >= 20, {
          timeoutMs: 8000,
          what: 'connections after the reload',
        });
        await prober.stop();
        await s.traffic!.stop();
        const dropped = s.fleet.members.filter((m) => m.events.firstAfter('close', t0));
        const failed = prober.failures();
        const loss = assessLoss(d, s, [], t);
        record(
          'reload',
          failoverMetrics({
            detectionMs: null,
            reconnectMs: reconnectTimes(dropped, t0).ms,
            traffic: s.traffic!.totals(),
            timeline: s.timeline,
            extra: {
              reload_ms: reloadMs,
              established: { total: s.fleet.members.length, dropped: dropped.length },
              new_connections: {
                total: prober.results.length,
                failed: failed.length,
                errors: [...new Set(failed.map((f) => f.error))].slice(0, 5),
              },
            },
          }),
        );

        h.finding({
          severity: 'info',
          title: `reload took ${reloadMs} ms; ${dropped.length} of ${s.fleet.members.length} established connections dropped; ${failed.length} of ${prober.results.length} new connections failed`,
        });
        if (dropped.length) problems.push(`${dropped.length} established connections dropped by the reload`);
        if (failed.length)
          problems.push(`${failed.length} new connections failed during the reload: ${failed[0]!.error}`);
        if (dropped.length || failed.length)
          h.finding({
            severity: 'error',
            title: 'the balancer reload was not seamless',
            detail: `${dropped.length} established connection(s) closed, ${failed.length} new connection(s) failed`,
          });
        apply(problems, loss);
      } finally {
        await prober.stop();
        await s.finish();
      }
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );
});
