/**
 * Keepalive / idle timeout through the balancer — the most common production failure: a balancer idle
 * timeout below the MQTT keepalive cuts idle clients. A static check reads the effective timeout from
 * the config (with its line); a dynamic check lets clients idle through the balancer for a bounded time.
 *
 * thresholds.keepalive (all optional):
 *   factor: 1.5            idle timeout must be ≥ factor × keepalive (1.2 = EMQX's guidance)
 *   keepalive_s:           keepalive of the dynamic check's clients (default: the profile's `clients.keepalive_s`
 *                          when 1.5 × it fits max_idle_wait_s, else 10 s)
 *   max_idle_wait_s: 45    bound on the dynamic check's idle wait
 *   idle_clients: 6        clients in the dynamic check
 */
import { describe, expect } from '@jest/globals';
import { useDeployment } from '../harness/suite/context.js';
import type { Finding } from '../harness/report/summary-types.js';
import { checkIdlePaths } from '../harness/keepalive/static-check.js';
import { idlePaths, shortestIdle } from '../harness/keepalive/idle-paths.js';
import { transportList } from '../harness/clients/transport.js';
import { planIdle } from '../harness/keepalive/plan.js';
import { watchIdleClients } from '../harness/keepalive/idle-watch.js';
import { idleCuts, idleSurvived } from '../harness/keepalive/findings.js';

const h = useDeployment('keepalive');
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;

// thresholds.keepalive, checked by its schema (harness/keepalive/settings.ts) when the profile is loaded.
const factor = h.thresholds.factor;
const suiteKeepaliveS = h.thresholds.keepalive_s;
const maxWaitMs = h.thresholds.max_idle_wait_s * 1000;
const idleClients = Math.round(h.thresholds.idle_clients);
const profileKeepaliveS = h.profile.clients.keepalive_s;
const transports = transportList(h.profile.clients.transport);

function report(findings: Finding[]): string[] {
  for (const f of findings) h.finding(f);
  return findings.filter((f) => f.severity === 'error').map((f) => f.title);
}

describe('idle timeout vs MQTT keepalive', () => {
  h.test(
    "static: the balancer's effective idle timeout leaves room for the clients' MQTT keepalive",
    // Each transport's own path: MQTT/TCP's backend, the WebSocket frontend/backend or location for ws/wss clients.
    { needs: ['balancer-facts'] },
    async () => {
      const facts = h.deployment.balancerFacts!;
      const paths = idlePaths(facts, h.deployment.endpoints, transports);
      const check = checkIdlePaths(paths, profileKeepaliveS, factor, facts.file);
      const shortest = shortestIdle(paths);
      h.metric('static', {
        keepalive_s: profileKeepaliveS,
        factor,
        effective_idle_ms: check.effectiveMs ?? null,
        required_ms: check.requiredMs,
        line: shortest?.timeouts.effectiveIdleMs?.line ?? null,
        transports,
        ok: check.ok,
      });
      expect(report(check.findings)).toEqual([]);
    },
  );

  h.test(
    'dynamic: idle clients are not disconnected through the balancer (bounded wait)',
    { timeoutMs: maxWaitMs + 60_000 },
    async () => {
      const d = h.deployment;
      // Unknown for a balancer the harness does not run (external target): then the wait is bounded by max_idle_wait_s.
      const effective = d.balancerFacts
        ? shortestIdle(idlePaths(d.balancerFacts, d.endpoints, transports))?.timeouts.effectiveIdleMs
        : undefined;
      const plan = planIdle({ profileKeepaliveS, suiteKeepaliveS, effectiveMs: effective?.value, maxWaitMs });
      const r = await watchIdleClients(d, h.pool, {
        clients: idleClients,
        keepaliveS: plan.keepaliveS,
        idleMs: plan.idleMs,
        prefix: `ka-${run}-`,
      });
      h.metric('dynamic', {
        keepalive_s: plan.keepaliveS,
        idle_ms: plan.idleMs,
        idled_ms: r.idledMs,
        target_ms: plan.targetMs,
        bounded: plan.bounded,
        clients: r.connected,
        cut: r.cuts.length,
        cut_after_ms: r.cuts.map((c) => c.afterMs),
        notes: plan.notes,
      });
      const findings: Finding[] = [];
      if (r.connectFailures.length)
        findings.push({
          severity: 'error',
          title: `${r.connectFailures.length} of ${idleClients} clients could not connect through the balancer`,
          detail: r.connectFailures.slice(0, 3).join('; '),
        });
      if (r.cuts.length) findings.push(idleCuts(r.cuts, r.connected, plan, effective, d.balancerFacts?.file));
      if (r.deadSurvivors.length)
        findings.push({
          severity: 'error',
          title: `${r.deadSurvivors.length} idle clients still looked connected but got no PUBACK after the idle period (a half-open connection)`,
          detail: r.deadSurvivors.slice(0, 3).join(', '),
        });
      if (!findings.length) findings.push(idleSurvived(r.connected, plan, r.idledMs));
      else for (const note of plan.notes) findings.push({ severity: 'info', title: `Note: ${note}` });
      expect(report(findings)).toEqual([]);
    },
  );
});
