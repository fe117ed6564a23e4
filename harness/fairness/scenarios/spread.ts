/**
 * Static spread: clients connected through the balancer fit the expected shares (ground truth: the
 * node API), or the shares the profile says are intended; counters are cross-checked.
 */
import type { Finding } from '../../report/summary-types.js';
import { judgedByFindings } from '../../suite/scenario-def.js';
import { intendedShares, shareDistance } from '../expected.js';
import { evaluate } from '../evaluate.js';
import { measureSpread, releaseSpread } from '../spread.js';
import { sourceAddress } from '../connect.js';
import {
  connectFailureFindings,
  counterDisagreement,
  noVerdict,
  distributionMiss,
  notModelled,
  singleSourceAddress,
  weightsContradictIntent,
} from '../findings.js';
import { distinctKeys, hashServerEmpty, hashSpreadReported } from '../hash-findings.js';
import { algorithmOf, nodeNames, range, type FairnessScenarioDef } from './context.js';
import { viewUnlessPassive } from '../../needs.js';

export const staticSpread: FairnessScenarioDef = {
  name: 'static spread',
  title: 'static spread: clients through the balancer fit the expected shares (ground truth: node API)',
  // passive checks only: every server counts as up, the nodes' own counts are the ground truth
  needs: viewUnlessPassive(['balancer-facts']),
  timeoutMs: 90_000,
  async run({ deployment: d, pool, settings, runId, expected }) {
    const backend = d.balancerFacts.mqttBackend;
    const exp = await expected();
    const intended = intendedShares(settings.intendedShares, nodeNames(d));
    const prefix = `fs-${runId}-`;
    const specs = range(settings.clients).map((i) => ({
      clientId: `${prefix}${i}`,
      localAddress: sourceAddress(i, settings.sourceAddresses),
    }));
    const spread = await measureSpread(d, pool, prefix, specs, settings.concurrency);
    try {
      // a hash is judged on affinity and on every weighted server getting keys, not by a share test (expected.ts)
      const reportOnly = (!exp.modelled || exp.hashed) && !intended;
      const keys = distinctKeys(algorithmOf(d.balancerFacts), specs.length, settings.sourceAddresses);
      const ev = evaluate({
        algorithm: algorithmOf(d.balancerFacts),
        counts: spread.counts,
        shares: intended ?? exp.shares,
        balancerCounts: spread.balancer,
        criteria: settings.criteria,
        reportOnly,
      });
      const metrics = {
        ...ev.metrics,
        sourceAddresses: settings.sourceAddresses,
        basis: exp.basis,
        ...(intended ? { intendedShares: intended, derivedShares: exp.shares } : {}),
      };
      // A server the balancer never reported UP (startup findings) is the cause of any share it misses.
      const findings: Finding[] = d.startupFindings?.filter((f) => f.severity === 'error') ?? [];
      findings.push(...connectFailureFindings(spread.failures, specs.length, d.balancerFacts));
      findings.push(...noVerdict(ev));
      if (!spread.countersAgree) findings.push(counterDisagreement(spread.counts, spread.live, spread.balancer));
      if (intended && shareDistance(intended, exp.shares) > 0.02)
        findings.push(weightsContradictIntent(d.balancerFacts.file, exp, intended));
      if (ev.noData) {
        // no statistic over too few clients: the finding above says so
      } else if (algorithmOf(d.balancerFacts) === 'source' && settings.sourceAddresses === 1)
        findings.push(singleSourceAddress(d.balancerFacts.file, backend, sourceAddress(0, 1), spread.counts));
      else if (reportOnly && exp.hashed) {
        findings.push(hashSpreadReported(backend, exp, ev, keys));
        const empty = hashServerEmpty(d.balancerFacts.file, backend, exp, spread.counts, keys);
        if (empty) findings.push(empty);
      } else if (reportOnly) findings.push(notModelled(backend));
      else if (!ev.fits) {
        const against = intended ? 'the intended shares (profile `intended_shares`)' : 'the shares the config implies';
        findings.push(distributionMiss(d.balancerFacts.file, backend, ev, exp, against));
      }
      return judgedByFindings(metrics, findings);
    } finally {
      await releaseSpread(d, spread.clients.values());
    }
  },
};
