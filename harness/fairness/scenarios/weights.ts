/**
 * Weights: a weighted config gets shares proportional to its weights. Does not apply when every
 * server has the same weight.
 */
import type { Finding } from '../../report/summary-types.js';
import type { BalancerFacts } from '../../facts.js';
import { byBalancer, judgedByFindings } from '../../suite/scenario-def.js';
import { evaluate } from '../evaluate.js';
import { measureSpread, releaseSpread } from '../spread.js';
import { sourceAddress } from '../connect.js';
import { connectFailureFindings, distributionMiss, noVerdict, weightsObserved } from '../findings.js';
import { distinctKeys, hashServerEmpty, hashSpreadReported } from '../hash-findings.js';
import { algorithmOf, range, type FairnessScenarioDef } from './context.js';
import { viewUnlessPassive } from '../../needs.js';

/** Why a config with equal weights has nothing to verify here, or false. */
export function equalWeights(f: BalancerFacts): string | false {
  const ws = f.mqttBackend.servers.map((s) => s.weight.value);
  return (
    ws.every((w) => w === ws[0]) &&
    `every server of backend ${f.mqttBackend.name} has weight ${ws[0]}: there are no weights to verify ` +
      `(run a weighted config, e.g. fixtures/profiles/haproxy-weighted.yaml)`
  );
}

export const weights: FairnessScenarioDef = {
  name: 'weights',
  title: 'weights: a weighted config gets shares proportional to its weights',
  // passive checks only: every server counts as up, the nodes' own counts are the ground truth
  needs: viewUnlessPassive(['balancer-facts']),
  timeoutMs: 90_000,
  skip: byBalancer(equalWeights),
  async run({ deployment: d, pool, settings, runId, expected }) {
    const exp = await expected();
    const prefix = `fw-${runId}-`;
    const specs = range(settings.clients).map((i) => ({
      clientId: `${prefix}${i}`,
      localAddress: sourceAddress(i, settings.sourceAddresses),
    }));
    const spread = await measureSpread(d, pool, prefix, specs, settings.concurrency);
    try {
      const ev = evaluate({
        algorithm: algorithmOf(d.balancerFacts),
        counts: spread.counts,
        shares: exp.shares,
        balancerCounts: spread.balancer,
        criteria: settings.criteria,
        // a hash is judged on affinity and on every weighted server getting keys, not by a share test (expected.ts)
        reportOnly: !exp.modelled || exp.hashed,
      });
      const keys = distinctKeys(algorithmOf(d.balancerFacts), specs.length, settings.sourceAddresses);
      const findings: Finding[] = [weightsObserved(exp, spread.counts)];
      findings.push(...connectFailureFindings(spread.failures, specs.length, d.balancerFacts), ...noVerdict(ev));
      const backend = d.balancerFacts.mqttBackend;
      if (exp.hashed && !ev.noData) {
        findings.push(hashSpreadReported(backend, exp, ev, keys));
        const empty = hashServerEmpty(d.balancerFacts.file, backend, exp, spread.counts, keys);
        if (empty) findings.push(empty);
      } else if (exp.modelled && !ev.fits && !ev.noData)
        findings.push(distributionMiss(d.balancerFacts.file, backend, ev, exp));
      return judgedByFindings({ ...ev.metrics, weights: exp.weights, basis: exp.basis }, findings);
    } finally {
      await releaseSpread(d, spread.clients.values());
    }
  },
};
