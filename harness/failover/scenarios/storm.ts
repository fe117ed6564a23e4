/**
 * Reconnect storm: every client's connection reset at once (the balancer killed and started again), and the time
 * until all are back, refused and pending connects per second — with MQTT.js' default fixed reconnect period and
 * with jittered exponential backoff side by side, on load-engine clients (5,000 by default, profile
 * `thresholds.failover.storm.clients`). A client count the config cannot hold fails with the limit's line.
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { failoverMetrics } from '../measure.js';
import { runStorm, type StormFigures } from '../storm-run.js';
import { judgeStormRun, policyComparison, rateLimitNote } from '../storm-findings.js';
import { logFailure } from '../../util/best-effort.js';

/** Source-address pool offsets of the two runs (harness/load/addresses.ts), apart from the capacity suite's. */
const SOURCE_OFFSET = { fixed: 6000, jittered: 6100 } as const;

function stormMetrics(f: StormFigures): Record<string, unknown> {
  return {
    policy: f.description,
    clients: f.clients,
    connected_before: f.connectedBefore,
    balancer_back_ms: f.balancerBackMs,
    recovered_ms: f.recoveredMs,
    back: f.back,
    attempts: f.attempts,
    refused: f.refused,
    timeouts: f.timeouts,
    peak_attempts_per_s: f.peakAttemptsPerS,
    peak_refused_per_s: f.peakRefusedPerS,
    errors: f.errors,
    per_second: f.perSecond,
  };
}

export const storm: FailoverScenarioDef = {
  name: 'storm',
  title: 'reconnect storm: every client reset at once, fixed period vs jittered backoff, the limit that bites',
  needs: ['balancer-restart', 'balancer-facts'],
  // per policy at the defaults: ramp ≤ 45 s (3 × 10 s at 500/s + connect timeout + 5 s), balancer restart ≤ 15 s,
  // recovery ≤ storm.recover_ms 60 s, close ≤ 7 s — twice, with headroom
  timeoutMs: 330_000,
  // the storm's clients are the load engine's: no MQTT.js fleet, no stream
  options: () => ({ traffic: false, fleet: { clients: 0, publishers: 0, subscribers: 0 } }),
  async run(s) {
    const { deployment: d, thresholds: t, runId } = s.ctx;
    const st = t.storm;
    const runs: StormFigures[] = [];
    const judgement = new Judgement().note(rateLimitNote(d, st.clients));
    try {
      for (const policy of ['fixed', 'jittered'] as const) {
        const at = Date.now();
        const f = await runStorm({
          deployment: d,
          settings: st,
          policy,
          idPrefix: `st-${runId}-${policy[0]}`,
          sourceOffset: SOURCE_OFFSET[policy],
          say: (msg) => s.stage.set(msg),
        });
        s.timeline.event('fault', { at, detail: `balancer kill + restart under ${st.clients} clients (${policy})` });
        runs.push(f);
        judgement.verdict(judgeStormRun(d, f, st));
        // a limit that kept clients out before the reset keeps them out for the other policy too
        if (f.connectedBefore < f.clients) break;
      }
    } finally {
      await d.balancerFault!('restart').catch(logFailure('restarting the balancer after the storm'));
    }
    const [fixed, jittered] = runs;
    if (fixed && jittered) judgement.note(policyComparison(fixed, jittered));
    const metrics = failoverMetrics({
      detectionMs: null,
      reconnectMs: runs.flatMap((f) => (f.recoveredMs === null ? [] : [f.recoveredMs])),
      timeline: s.timeline,
      extra: Object.fromEntries(runs.map((f) => [f.policy, stormMetrics(f)])),
    });
    return judgement.outcome(metrics);
  },
};
