/**
 * Rebalance after recovery: the imbalance left after a killed node returns, and for how long it
 * lasts (report; fails only below the optional `rebalance_jain_min`). Needs at least 2 nodes.
 */
import type { MqttClient } from 'mqtt';
import { judgedByFindings } from '../../suite/scenario-def.js';
import { evaluate } from '../evaluate.js';
import { releaseSpread } from '../spread.js';
import { runRebalance } from '../rebalance.js';
import { rebalanceReport } from '../scenario-findings.js';
import { noVerdict } from '../findings.js';
import { unaccountedFinding } from '../unaccounted.js';
import { remediesOf } from '../../balancer/kinds.js';
import { algorithmOf, type FairnessScenarioDef } from './context.js';
import { viewUnlessPassive } from '../../needs.js';

export const rebalance: FairnessScenarioDef = {
  name: 'rebalance after recovery',
  title:
    'rebalance after recovery: the imbalance left after a node returns, and for how long (report; threshold optional)',
  needs: viewUnlessPassive([{ nodes: 2 }, 'kill', 'restart', 'balancer-facts']),
  timeoutMs: 120_000,
  async run({ deployment: d, pool, settings, runId, expected }) {
    const exp = await expected();
    let clients: Iterable<MqttClient> = [];
    try {
      const r = await runRebalance(d, pool, `fr-${runId}-`, {
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
      const metrics = {
        ...ev.metrics,
        victim: r.victim,
        before: r.before,
        afterFailover: r.afterFailover,
        reconnectedMs: r.reconnectedMs,
        upAfterMs: r.upAfterMs,
        balancedAfterMs: r.balancedAfterMs,
        observeMs: settings.rebalance.observeMs,
        samples: r.samples,
        unaccounted: r.unaccounted.map((u) => ({
          phase: u.phase,
          connected: u.connected.length,
          reconnecting: u.reconnecting.length,
          closed: u.closed.length,
          onVictim: u.onVictim,
        })),
      };
      const facts = {
        ...r,
        jain: ev.stats.jain,
        observeMs: settings.rebalance.observeMs,
        newClients: settings.rebalance.newClients,
      };
      const { mqttBackend, file } = d.balancerFacts;
      const findings = [
        rebalanceReport(facts, mqttBackend, file, settings.criteria.jainMin, settings.rebalance.jainMin),
      ];
      // Clients no node listed (e.g. held by the balancer on a connection to the killed node): judged on the rest.
      for (const u of r.unaccounted)
        findings.push(unaccountedFinding(u, mqttBackend, file, r.victim, remediesOf(d.balancer.kind)));
      findings.push(...noVerdict(ev));
      if (r.failures)
        findings.push({ severity: 'error', title: `${r.failures} clients could not connect through the balancer` });
      return judgedByFindings(metrics, findings);
    } finally {
      await releaseSpread(d, clients);
    }
  },
};
