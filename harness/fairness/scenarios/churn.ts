/**
 * Churn: clients with random lifetimes come and go; leastconn must keep the live distribution
 * balanced, other algorithms are reported only.
 */
import type { Finding } from '../../report/summary-types.js';
import { judgedByFindings } from '../../suite/scenario-def.js';
import { evaluate } from '../evaluate.js';
import { releaseSpread } from '../spread.js';
import { runChurn } from '../churn.js';
import { countByNode, waitForPlacement } from '../observe.js';
import { fairnessStats } from '../stats.js';
import { distributionMiss, noVerdict } from '../findings.js';
import { churnReport } from '../scenario-findings.js';
import { algorithmOf, nodeNames, type FairnessScenarioDef } from './context.js';
import { viewUnlessPassive } from '../../needs.js';

export const churn: FairnessScenarioDef = {
  name: 'churn',
  title:
    'churn: with random client lifetimes, leastconn keeps the live distribution balanced (other algorithms: report only)',
  // passive checks only: every server counts as up, the nodes' own counts are the ground truth
  needs: viewUnlessPassive(['balancer-facts']),
  timeoutMs: 90_000,
  async run({ deployment: d, pool, settings, runId, expected }) {
    const algorithm = algorithmOf(d.balancerFacts);
    const asserted = algorithm === 'leastconn';
    const exp = await expected();
    const prefix = `fh-${runId}-`;
    const result = await runChurn(d, pool, prefix, {
      ...settings.churn,
      sourceAddresses: settings.sourceAddresses,
      concurrency: settings.concurrency,
    });
    try {
      const placement = await waitForPlacement(d, prefix, [...result.clients.keys()], 15_000);
      const counts = countByNode(placement, nodeNames(d));
      const ev = evaluate({
        algorithm,
        counts,
        shares: exp.shares,
        criteria: settings.criteria,
        reportOnly: !asserted,
      });
      const jains = result.samples
        .filter((s) => Object.values(s.live).some((c) => c > 0))
        .map((s) => fairnessStats(s.live, exp.shares).jain)
        .sort((a, b) => a - b);
      const sampleJain = { min: jains[0] ?? 1, median: jains[Math.floor(jains.length / 2)] ?? 1 };
      const metrics = {
        ...ev.metrics,
        connects: result.connects,
        connectFailures: result.failures,
        durationMs: settings.churn.durationMs,
        sampleJainMin: sampleJain.min,
        sampleJainMedian: sampleJain.median,
        samples: result.samples,
      };
      const findings: Finding[] = [churnReport(algorithm, counts, ev.stats.jain, sampleJain, asserted)];
      findings.push(...noVerdict(ev));
      if (result.failures)
        findings.push({
          severity: 'error',
          title: `${result.failures} of ${result.connects} connects failed during churn`,
        });
      if (asserted && !ev.fits)
        findings.push(
          distributionMiss(d.balancerFacts.file, d.balancerFacts.mqttBackend, ev, exp, 'a balanced live distribution'),
        );
      return judgedByFindings(metrics, findings);
    } finally {
      await releaseSpread(d, result.clients.values());
    }
  },
};
