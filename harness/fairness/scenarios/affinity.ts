/**
 * Source affinity: the same source address always lands on the same node, and the sources spread
 * across the nodes. Applies only under `balance source`.
 */
import type { Finding } from '../../report/summary-types.js';
import type { BalancerFacts } from '../../facts.js';
import { byBalancer, judgedByFindings } from '../../suite/scenario-def.js';
import { evaluate } from '../evaluate.js';
import { repeatPlacement } from '../spread.js';
import { sourceAddress } from '../connect.js';
import { countByNode } from '../observe.js';
import { affinityHeld, connectFailures, distributionMiss, noVerdict, singleSourceAddress } from '../findings.js';
import { affinityBroken } from '../scenario-findings.js';
import { hashServerEmpty } from '../hash-findings.js';
import { algorithmOf, nodeNames, range, type FairnessScenarioDef } from './context.js';
import { viewUnlessPassive } from '../../needs.js';

const at = (line?: number): string => (line ? ` (line ${line})` : '');

/** Why a config that does not hash the source address has no affinity to verify, or false. */
export function notSource(f: BalancerFacts): string | false {
  const algorithm = f.mqttBackend.algorithm;
  return (
    algorithmOf(f) !== 'source' &&
    `\`balance ${algorithm.value}\`${at(algorithm.line)} does not hash the client's source address`
  );
}

export const sourceAffinity: FairnessScenarioDef = {
  name: 'source affinity',
  title: 'source affinity: the same source address always lands on the same node, and sources spread across nodes',
  // passive checks only: every server counts as up, the nodes' own counts are the ground truth
  needs: viewUnlessPassive(['balancer-facts']),
  timeoutMs: 120_000,
  skip: byBalancer(notSource),
  async run({ deployment: d, pool, settings, runId, expected }) {
    const backend = d.balancerFacts.mqttBackend;
    const exp = await expected();
    const sources = range(settings.sourceAddresses).map((i) => sourceAddress(i, settings.sourceAddresses));
    const prefix = `fa-${runId}-`;
    const rounds = settings.affinityRounds;
    const { seen, failures } = await repeatPlacement(
      d,
      pool,
      prefix,
      sources,
      rounds,
      (src, round) => ({ clientId: `${prefix}${src}-${round}`, localAddress: src }),
      settings.concurrency,
    );
    const broken = [...seen].filter(([, nodes]) => new Set(nodes).size > 1);
    const firstNode = new Map([...seen].filter(([, nodes]) => nodes.length).map(([src, nodes]) => [src, nodes[0]!]));
    const counts = countByNode(firstNode, nodeNames(d));
    const enoughForChi2 = sources.length >= 5 * exp.up.length;
    const ev = evaluate({
      algorithm: 'source',
      counts,
      shares: exp.shares,
      balancerCounts: undefined,
      criteria: settings.criteria,
      // `source` is a hash: the sources' spread is reported, affinity and no empty server are judged (expected.ts)
      reportOnly: !enoughForChi2 || exp.hashed,
    });
    const metrics = {
      ...ev.metrics,
      sourceAddresses: sources.length,
      rounds,
      affinity: (sources.length - broken.length) / sources.length,
      countsAre: 'source addresses per node',
    };
    const findings: Finding[] = [];
    // Counts here are source addresses (one per source, few by design): only no connection at all is "no data".
    if (firstNode.size === 0) findings.push(...noVerdict(ev));
    if (failures.length) findings.push(connectFailures(failures, sources.length * rounds));
    if (broken.length)
      findings.push(affinityBroken('source address', broken, sources.length, backend, d.balancerFacts.file));
    const busy = Object.values(counts).filter((c) => c > 0).length;
    if (busy === 1 && exp.up.length > 1) {
      const perConnection = [...seen].flatMap(([src, nodes]) =>
        nodes.map((n, r) => [`${src}#${r}`, n] as [string, string]),
      );
      const connections = countByNode(new Map(perConnection), nodeNames(d));
      const source = sources.length === 1 ? sources[0]! : `${sources.length} source addresses`;
      const noun = `connections (${rounds} rounds)`;
      findings.push(singleSourceAddress(d.balancerFacts.file, backend, source, connections, noun));
    } else {
      const empty = exp.hashed && hashServerEmpty(d.balancerFacts.file, backend, exp, counts, firstNode.size);
      if (empty) findings.push(empty);
      else if (enoughForChi2 && !exp.hashed && !ev.fits)
        findings.push(
          distributionMiss(d.balancerFacts.file, backend, ev, exp, 'the expected shares (counting source addresses)'),
        );
      else findings.push(affinityHeld(sources.length, broken.length, rounds, counts));
    }
    return judgedByFindings(metrics, findings);
  },
};
