/**
 * Distribution fairness through the balancer: does it spread MQTT clients the way the config says?
 * Ground truth is the cluster (node API: per-client `node`), cross-checked with the nodes' own
 * `live_connections` and the balancer's counters. Expected shares are derived from the algorithm, the
 * weights and the UP servers. Metrics per scenario go to summary.json `metrics.fairness.scenarios`.
 * Parameters and thresholds: harness/fairness/settings.ts (`thresholds.fairness` in the profile).
 */
import { describe, expect } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { useDeployment } from '../harness/suite/context.js';
import { staticBalancerFacts } from '../harness/balancer/static-facts.js';
import type { BalancerFacts } from '../harness/facts.js';
import type { Finding } from '../harness/report/summary-types.js';
import { fairnessSettings } from '../harness/fairness/settings.js';
import {
  algorithmName,
  expectedShares,
  intendedShares,
  shareDistance,
  type ExpectedShares,
} from '../harness/fairness/expected.js';
import { evaluate, type ScenarioMetrics } from '../harness/fairness/evaluate.js';
import { measureSpread, releaseSpread, repeatPlacement } from '../harness/fairness/spread.js';
import { MAX_SOURCE_ADDRESSES, sourceAddress } from '../harness/fairness/connect.js';
import { scenarioTest } from '../harness/fairness/scenario-test.js';
import {
  connectFailures,
  counterDisagreement,
  distributionMiss,
  notModelled,
  singleSourceAddress,
  weightsContradictIntent,
} from '../harness/fairness/findings.js';
import {
  affinityBroken,
  churnReport,
  rebalanceReport,
  truncatedStickKeys,
} from '../harness/fairness/scenario-findings.js';
import { runChurn } from '../harness/fairness/churn.js';
import { runRebalance } from '../harness/fairness/rebalance.js';
import { countByNode, waitForPlacement } from '../harness/fairness/observe.js';
import { fairnessStats } from '../harness/fairness/stats.js';

const h = useDeployment('fairness');
const staticFacts = await staticBalancerFacts(h.profile);
const settings = fairnessSettings((key, fallback) => h.threshold(key, fallback));
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const scenarios: Record<string, ScenarioMetrics> = {};
const record = (name: string, m: ScenarioMetrics): void => {
  scenarios[name] = m;
  h.metric('scenarios', scenarios);
};
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Attaches findings and collects the errors, so the test fails naming them. */
function report(findings: Finding[]): string[] {
  for (const f of findings) h.finding(f);
  return findings.filter((f) => f.severity === 'error').map((f) => f.title);
}

async function expected(): Promise<ExpectedShares> {
  const d = h.deployment;
  return expectedShares(d.balancerFacts.mqttBackend, await d.balancerView.servers());
}

const algorithmOf = (f: BalancerFacts): string => algorithmName(f.mqttBackend);
const at = (line?: number): string => (line ? ` (line ${line})` : '');

describe('spread', () => {
  h.testUnless(
    false,
    'static spread: clients through the balancer fit the expected shares (ground truth: node API)',
    async () => {
      const d = h.deployment;
      const backend = d.balancerFacts.mqttBackend;
      const exp = await expected();
      const intended = intendedShares(
        settings.intendedShares,
        d.nodes.map((n) => n.name),
      );
      const prefix = `fs-${run}-`;
      const specs = range(settings.clients).map((i) => ({
        clientId: `${prefix}${i}`,
        localAddress: sourceAddress(i, settings.sourceAddresses),
      }));
      const spread = await measureSpread(d, h.pool, prefix, specs, settings.concurrency);
      try {
        const reportOnly = !exp.modelled && !intended;
        const ev = evaluate({
          algorithm: algorithmOf(d.balancerFacts),
          counts: spread.counts,
          shares: intended ?? exp.shares,
          balancerCounts: spread.balancer,
          criteria: settings.criteria,
          reportOnly,
        });
        record('static spread', {
          ...ev.metrics,
          sourceAddresses: settings.sourceAddresses,
          basis: exp.basis,
          ...(intended ? { intendedShares: intended, derivedShares: exp.shares } : {}),
        });
        const findings: Finding[] = [];
        if (spread.failures.length) findings.push(connectFailures(spread.failures, specs.length));
        if (!spread.countersAgree) findings.push(counterDisagreement(spread.counts, spread.live, spread.balancer));
        if (intended && shareDistance(intended, exp.shares) > 0.02)
          findings.push(weightsContradictIntent(d.balancerFacts.file, exp, intended));
        if (reportOnly) findings.push(notModelled(backend));
        else if (algorithmOf(d.balancerFacts) === 'source' && settings.sourceAddresses === 1)
          findings.push(singleSourceAddress(d.balancerFacts.file, backend, sourceAddress(0, 1), spread.counts));
        else if (!ev.fits)
          findings.push(
            distributionMiss(
              d.balancerFacts.file,
              backend,
              ev,
              exp,
              intended ? 'the intended shares (profile `intended_shares`)' : 'the shares the config implies',
            ),
          );
        expect(report(findings)).toEqual([]);
      } finally {
        await releaseSpread(d, spread.clients.values());
      }
    },
    90_000,
  );

  const equalWeights = (f: BalancerFacts): string | false => {
    const ws = f.mqttBackend.servers.map((s) => s.weight.value);
    return (
      ws.every((w) => w === ws[0]) &&
      `every server of backend ${f.mqttBackend.name} has weight ${ws[0]}: there are no weights to verify (run a weighted config, e.g. fixtures/profiles/haproxy-weighted.yaml)`
    );
  };
  scenarioTest(
    h,
    staticFacts,
    `weights: a weighted config gets shares proportional to its weights`,
    equalWeights,
    async () => {
      const d = h.deployment;
      const exp = await expected();
      const prefix = `fw-${run}-`;
      const specs = range(settings.clients).map((i) => ({
        clientId: `${prefix}${i}`,
        localAddress: sourceAddress(i, settings.sourceAddresses),
      }));
      const spread = await measureSpread(d, h.pool, prefix, specs, settings.concurrency);
      try {
        const ev = evaluate({
          algorithm: algorithmOf(d.balancerFacts),
          counts: spread.counts,
          shares: exp.shares,
          balancerCounts: spread.balancer,
          criteria: settings.criteria,
          reportOnly: !exp.modelled,
        });
        record('weights', { ...ev.metrics, weights: exp.weights, basis: exp.basis });
        const findings: Finding[] = [
          {
            severity: 'info',
            title: `Weights ${Object.values(exp.weights).join(':')} → observed ${Object.values(spread.counts).join(':')}`,
            detail: `Expected shares from ${exp.basis}.`,
          },
        ];
        if (spread.failures.length) findings.push(connectFailures(spread.failures, specs.length));
        if (exp.modelled && !ev.fits)
          findings.push(distributionMiss(d.balancerFacts.file, d.balancerFacts.mqttBackend, ev, exp));
        expect(report(findings)).toEqual([]);
      } finally {
        await releaseSpread(d, spread.clients.values());
      }
    },
    90_000,
  );
});

describe('affinity', () => {
  const notSource = (f: BalancerFacts): string | false =>
    algorithmOf(f) !== 'source' &&
    `\`balance ${f.mqttBackend.algorithm.value}\`${at(f.mqttBackend.algorithm.line)} does not hash the client's source address`;
  scenarioTest(
    h,
    staticFacts,
    'source affinity: the same source address always lands on the same node, and sources spread across nodes',
    notSource,
    async () => {
      const d = h.deployment;
      const backend = d.balancerFacts.mqttBackend;
      const exp = await expected();
      const sources = range(settings.sourceAddresses).map((i) => sourceAddress(i, settings.sourceAddresses));
      const prefix = `fa-${run}-`;
      const { seen, failures } = await repeatPlacement(
        d,
        h.pool,
        prefix,
        sources,
        settings.affinityRounds,
        (src, round) => ({ clientId: `${prefix}${src}-${round}`, localAddress: src }),
        settings.concurrency,
      );
      const broken = [...seen].filter(([, nodes]) => new Set(nodes).size > 1);
      const firstNode = new Map([...seen].filter(([, nodes]) => nodes.length).map(([src, nodes]) => [src, nodes[0]!]));
      const counts = countByNode(
        firstNode,
        d.nodes.map((n) => n.name),
      );
      const enoughForChi2 = sources.length >= 5 * exp.up.length;
      const ev = evaluate({
        algorithm: 'source',
        counts,
        shares: exp.shares,
        balancerCounts: undefined,
        criteria: settings.criteria,
        reportOnly: !enoughForChi2,
      });
      record('source affinity', {
        ...ev.metrics,
        sourceAddresses: sources.length,
        rounds: settings.affinityRounds,
        affinity: (sources.length - broken.length) / sources.length,
        countsAre: 'source addresses per node',
      });
      const findings: Finding[] = [];
      if (failures.length) findings.push(connectFailures(failures, sources.length * settings.affinityRounds));
      if (broken.length)
        findings.push(affinityBroken('source address', broken, sources.length, backend, d.balancerFacts.file));
      const busy = Object.values(counts).filter((c) => c > 0).length;
      if (busy === 1 && exp.up.length > 1) {
        const connections = countByNode(
          new Map([...seen].flatMap(([src, nodes]) => nodes.map((n, r) => [`${src}#${r}`, n] as [string, string]))),
          d.nodes.map((n) => n.name),
        );
        findings.push(
          singleSourceAddress(
            d.balancerFacts.file,
            backend,
            sources.length === 1 ? sources[0]! : `${sources.length} source addresses`,
            connections,
            `connections (${settings.affinityRounds} rounds)`,
          ),
        );
      } else if (enoughForChi2 && !ev.fits)
        findings.push(
          distributionMiss(d.balancerFacts.file, backend, ev, exp, 'the expected shares (counting source addresses)'),
        );
      else
        findings.push({
          severity: 'info',
          title: `${sources.length - broken.length} of ${sources.length} source addresses returned to the same node in all ${settings.affinityRounds} rounds; sources per node: ${Object.values(counts).join(' / ')}`,
        });
      expect(report(findings)).toEqual([]);
    },
    120_000,
  );

  const notSticky = (f: BalancerFacts): string | false =>
    !f.mqttBackend.clientIdStickiness?.value &&
    algorithmOf(f) !== 'clientid' &&
    `backend ${f.mqttBackend.name} has no stickiness on the MQTT client id (no \`stick on … mqtt_field_value(connect,client_identifier)\`, no TS-proxy \`balance: clientid\`)`;
  scenarioTest(
    h,
    staticFacts,
    'client-id stickiness: the same client id reconnecting lands on the same node every time',
    notSticky,
    async () => {
      const d = h.deployment;
      const backend = d.balancerFacts.mqttBackend;
      const exp = await expected();
      const prefix = `fc-${run}-`;
      const ids = range(settings.stickinessIds).map((i) => `${prefix}${i}`);
      const rounds = settings.affinityRounds;
      // Each reconnect comes from another source address, so the source cannot explain the stickiness.
      const { seen, failures } = await repeatPlacement(
        d,
        h.pool,
        prefix,
        ids,
        rounds,
        (id, round) => ({
          clientId: id,
          localAddress: sourceAddress(ids.indexOf(id) * rounds + round, MAX_SOURCE_ADDRESSES),
        }),
        settings.concurrency,
      );
      const broken = [...seen].filter(([, nodes]) => new Set(nodes).size > 1);
      const counts = countByNode(
        new Map([...seen].filter(([, n]) => n.length).map(([id, n]) => [id, n[0]!])),
        d.nodes.map((n) => n.name),
      );
      const ev = evaluate({
        algorithm: algorithmOf(d.balancerFacts),
        counts,
        shares: exp.shares,
        criteria: settings.criteria,
        reportOnly: true,
      });
      // The 32-character trap: long ids that differ only after character 32.
      const longPrefix = `fl-${run}-`.padEnd(32, 'x');
      const longIds = range(12).map((i) => `${longPrefix}-${i}`);
      // One at a time, so each finds the table entry its predecessor stored.
      const long = await measureSpread(
        d,
        h.pool,
        longPrefix,
        longIds.map((id, i) => ({ clientId: id, localAddress: sourceAddress(i * 7, MAX_SOURCE_ADDRESSES) })),
        1,
      );
      await releaseSpread(d, long.clients.values());
      const longNodes = new Set(long.placement.values());
      record('client-id stickiness', {
        ...ev.metrics,
        ids: ids.length,
        rounds,
        sticky: (ids.length - broken.length) / ids.length,
        longIdNodes: [...longNodes],
        countsAre: 'client ids per node (first connect)',
      });
      const findings: Finding[] = [];
      if (failures.length || long.failures.length)
        findings.push(connectFailures([...failures, ...long.failures], ids.length * rounds + longIds.length));
      if (broken.length) findings.push(affinityBroken('client id', broken, ids.length, backend, d.balancerFacts.file));
      else
        findings.push({
          severity: 'info',
          title: `All ${ids.length} client ids returned to the same node in all ${rounds} rounds, each round from another source address`,
        });
      if (longNodes.size === 1 && exp.up.length > 1 && long.placement.size > 1)
        findings.push(truncatedStickKeys(long.placement.size, [...longNodes][0]!, backend, d.balancerFacts.file));
      expect(report(findings)).toEqual([]);
    },
    120_000,
  );
});

describe('dynamics', () => {
  h.testUnless(
    false,
    'churn: with random client lifetimes, leastconn keeps the live distribution balanced (other algorithms: report only)',
    async () => {
      const d = h.deployment;
      const algorithm = algorithmOf(d.balancerFacts);
      const asserted = algorithm === 'leastconn';
      const exp = await expected();
      const prefix = `fh-${run}-`;
      const churn = await runChurn(d, h.pool, prefix, {
        ...settings.churn,
        sourceAddresses: settings.sourceAddresses,
        concurrency: settings.concurrency,
      });
      try {
        const placement = await waitForPlacement(d, prefix, [...churn.clients.keys()], 15_000);
        const counts = countByNode(
          placement,
          d.nodes.map((n) => n.name),
        );
        const ev = evaluate({
          algorithm,
          counts,
          shares: exp.shares,
          criteria: settings.criteria,
          reportOnly: !asserted,
        });
        const jains = churn.samples
          .filter((s) => Object.values(s.live).some((c) => c > 0))
          .map((s) => fairnessStats(s.live, exp.shares).jain)
          .sort((a, b) => a - b);
        const sampleJain = { min: jains[0] ?? 1, median: jains[Math.floor(jains.length / 2)] ?? 1 };
        record('churn', {
          ...ev.metrics,
          connects: churn.connects,
          connectFailures: churn.failures,
          durationMs: settings.churn.durationMs,
          sampleJainMin: sampleJain.min,
          sampleJainMedian: sampleJain.median,
          samples: churn.samples,
        });
        const findings: Finding[] = [churnReport(algorithm, counts, ev.stats.jain, sampleJain, asserted)];
        if (churn.failures)
          findings.push({
            severity: 'error',
            title: `${churn.failures} of ${churn.connects} connects failed during churn`,
          });
        if (asserted && !ev.fits)
          findings.push(
            distributionMiss(
              d.balancerFacts.file,
              d.balancerFacts.mqttBackend,
              ev,
              exp,
              'a balanced live distribution',
            ),
          );
        expect(report(findings)).toEqual([]);
      } finally {
        await releaseSpread(d, churn.clients.values());
      }
    },
    90_000,
  );

  h.testUnless(
    h.profile.broker.nodes < 2 && 'needs at least 2 nodes',
    'rebalance after recovery: the imbalance left after a node returns, and for how long (report; threshold optional)',
    async () => {
      const d = h.deployment;
      const exp = await expected();
      let clients: Iterable<MqttClient> = [];
      try {
        const r = await runRebalance(d, h.pool, `fr-${run}-`, {
          ...settings.rebalance,
          sourceAddresses: settings.sourceAddresses,
          concurrency: settings.concurrency,
          jainMin: settings.criteria.jainMin,
          shares: exp.shares,
        });
        clients = r.clients.values();
        const ev = evaluate({
          algorithm: algorithmOf(d.balancerFacts),
          counts: r.final,
          shares: exp.shares,
          criteria: settings.criteria,
          reportOnly: settings.rebalance.jainMin === undefined,
        });
        record('rebalance after recovery', {
          ...ev.metrics,
          victim: r.victim,
          before: r.before,
          afterFailover: r.afterFailover,
          reconnectedMs: r.reconnectedMs,
          upAfterMs: r.upAfterMs,
          balancedAfterMs: r.balancedAfterMs,
          observeMs: settings.rebalance.observeMs,
          samples: r.samples,
        });
        const findings = [
          rebalanceReport(
            {
              ...r,
              jain: ev.stats.jain,
              observeMs: settings.rebalance.observeMs,
              newClients: settings.rebalance.newClients,
            },
            d.balancerFacts.mqttBackend,
            d.balancerFacts.file,
            settings.criteria.jainMin,
            settings.rebalance.jainMin,
          ),
        ];
        if (r.failures)
          findings.push({ severity: 'error', title: `${r.failures} clients could not connect through the balancer` });
        expect(report(findings)).toEqual([]);
      } finally {
        await releaseSpread(d, clients);
      }
    },
    120_000,
  );
});
