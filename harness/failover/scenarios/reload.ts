/**
 * Balancer reload under load: established connections must survive it and new connects must not be
 * refused (a prober connects every 50 ms across the reload).
 */
import type { FailoverScenarioDef } from '../scenario.js';
import { Judgement } from '../../suite/scenario-def.js';
import { failoverMetrics, reconnectTimes } from '../measure.js';
import { assessLoss, warmUp } from '../steps.js';
import { ConnectProber } from '../connect-prober.js';
import { reloadFinding, reloadNotSeamless } from '../findings.js';
import { waitFor } from '../../util/wait.js';
import { viewUnlessPassive } from '../../needs.js';

export const reload: FailoverScenarioDef = {
  name: 'reload',
  title: 'balancer reload under load: established connections survive, no refused connects',
  // no server state is read (a prober and the fleet judge it): passive checks need no per-server view
  needs: viewUnlessPassive(['reload', 'balancer-facts']),
  timeoutMs: 90_000,
  async run(s) {
    const { deployment: d, pool, thresholds: t, runId } = s.ctx;
    const prober = new ConnectProber(d, pool, `fo-${runId}-reload-new`, {
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
      await d.reloadBalancer!(); // declared in `needs`
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
      const metrics = failoverMetrics({
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
      });
      const figures = {
        reloadMs,
        dropped: dropped.length,
        established: s.fleet.members.length,
        failed: failed.length,
        attempted: prober.results.length,
      };
      return new Judgement()
        .note(reloadFinding(figures))
        .problem(dropped.length > 0 && `${dropped.length} established connections dropped by the reload`)
        .problem(failed.length > 0 && `${failed.length} new connections failed during the reload: ${failed[0]!.error}`)
        .note(reloadNotSeamless(figures))
        .verdict(loss)
        .outcome(metrics);
    } finally {
      await prober.stop();
    }
  },
};
