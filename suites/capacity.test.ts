/**
 * Capacity (opt-in: runs only when a profile lists `capacity` or --suites names it): ramps concurrent connections
 * through the balancer with the load engine, and separately the connect rate, until refusals, the error ratio or the
 * profile's target; reports the knee and names the first limit reached with its line or source (per-server,
 * frontend and global `maxconn`, the balancer process's open-files limit, `rate-limit sessions`, source ports, the
 * test process's own limits), with the remedy. Every ramp is bounded in count and time and closes what it opened.
 *
 * thresholds.capacity: see harness/capacity/settings.ts (target, step, connect_rate, min_connections, rates, …).
 */
import { afterAll, describe, expect } from '@jest/globals';
import os from 'node:os';
import { useDeployment } from '../harness/suite/context.js';
import type { Finding } from '../harness/report/summary-types.js';
import { progress } from '../harness/util/progress.js';
import { addressesFor } from '../harness/load/addresses.js';
import { processLimits } from '../harness/load/limits.js';
import { rateSteps, stepSize } from '../harness/capacity/settings.js';
import { rampConnections } from '../harness/capacity/ramp.js';
import { rampConnectRate } from '../harness/capacity/rate-ramp.js';
import { connectionsKnee, rateKnee } from '../harness/capacity/knee.js';
import { capacityLimits, rateLimit } from '../harness/capacity/limits.js';
import { connectionsFindings, rateFindings } from '../harness/capacity/findings.js';
import { NodeSampler } from '../harness/capacity/node-sampler.js';
import { startLoadRunner, type LoadRunner } from '../harness/agents/runner.js';
import { launcherFor } from '../harness/agents/launchers/for-deployment.js';

const h = useDeployment('capacity');
const t = h.thresholds;
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const budgetMs = t.max_duration_s * 1000;
const phaseTimeoutMs = t.phase_timeout_s * 1000;
const sourceAddresses = addressesFor(t.target, 1000);
/** The connections knee, handed to the rate ramp (it stays below it). */
let concurrencyKnee: number | undefined;
/** Where the clients run: this process, or the profile's `load: { agents, launcher }` (started once, at first use). */
let runner: LoadRunner | undefined;

async function loadRunner(): Promise<LoadRunner> {
  const d = h.deployment;
  runner ??= await startLoadRunner(h.profile.load, (s) => launcherFor(s, d), progress);
  return runner;
}

function report(findings: Finding[]): string[] {
  for (const f of findings) h.finding(f);
  return findings.filter((f) => f.severity === 'error').map((f) => f.title);
}

describe('capacity through the balancer', () => {
  afterAll(async () => {
    await runner?.shutdown();
  }, 60_000);

  h.test(
    'connections: ramp concurrent connections until refusals, errors or the target, and name the first limit reached',
    { timeoutMs: budgetMs + 60_000 },
    async () => {
      const d = h.deployment;
      const step = stepSize(t);
      const sampler = new NodeSampler(d.balancerView, d.balancerFacts?.mqttBackend.name).start();
      progress(`capacity: ramping to ${t.target} connections in steps of ${step} at ${t.connect_rate}/s`);
      const ramp = await rampConnections({
        runner: await loadRunner(),
        target: d.endpoints.mqtt,
        total: t.target,
        step,
        connectRate: t.connect_rate,
        errorRatio: t.error_ratio,
        phaseTimeoutMs,
        budgetMs,
        clientIdPrefix: `cap-${run}-`,
        sourceOffset: 0,
        sourceAddresses,
        onStep: (s) => {
          void sampler.sample();
          progress(
            `capacity: step ${s.step}: ${s.connected} held of ${s.attempted} attempted, ${s.failed} failed, CONNACK p99 ${s.connack_p99_ms} ms`,
          );
        },
      }).finally(() => sampler.stop());
      const knee = connectionsKnee(ramp.steps, t.p99_jump, t.p99_floor_ms);
      concurrencyKnee = knee.errorsAt;
      const limits = capacityLimits({
        ...(d.balancerFacts ? { facts: d.balancerFacts } : {}),
        ...(d.balancer.machineFit ? { machineFit: d.balancer.machineFit } : {}),
        engine: ramp.engineLimits ?? processLimits(),
        agents: Math.max(1, runner?.agents ?? 1),
        sourceAddresses,
        nodes: d.nodes.length,
      });
      const verdict = connectionsFindings(ramp, knee, limits, {
        target: t.target,
        connectRate: t.connect_rate,
        minConnections: t.min_connections,
        ...(d.balancerFacts ? { facts: d.balancerFacts } : {}),
      });
      h.metric('connections', {
        target: t.target,
        step,
        connect_rate: t.connect_rate,
        source_addresses: sourceAddresses,
        end: ramp.end,
        knee,
        limit: verdict.limit ?? null,
        limits,
        errors: ramp.errors,
        limits_hit: ramp.limitsHit,
        steps: ramp.steps,
        nodes_over_time: sampler.samples,
        ...(sampler.unavailable ? { nodes_unavailable: sampler.unavailable } : {}),
        ...(ramp.load ? { load: ramp.load } : {}),
      });
      expect(report(verdict.findings)).toEqual([]);
    },
  );

  h.test(
    'connect rate: ramp the connect rate until failures or saturation, and name the limit',
    { timeoutMs: budgetMs + 60_000 },
    async () => {
      const d = h.deployment;
      const rates = rateSteps(t);
      // Below the concurrency knee (80 % of it), so this ramp measures the rate and not the connection limit.
      const maxClients = Math.max(10, Math.floor(0.8 * (concurrencyKnee ?? t.target)));
      progress(`capacity: connect-rate ramp ${rates.join(', ')}/s, ≤ ${maxClients} connections per step`);
      const r = await rampConnectRate({
        runner: await loadRunner(),
        target: d.endpoints.mqtt,
        rates,
        stepSeconds: t.rate_step_s,
        maxClients,
        errorRatio: t.error_ratio,
        phaseTimeoutMs,
        budgetMs,
        clientIdPrefix: `caprate-${run}-`,
        sourceOffset: sourceAddresses,
        sourceAddresses: addressesFor(maxClients, 1000),
        onStep: (s) =>
          progress(
            `capacity: ${s.rate}/s asked: ${s.attemptsPerS} attempted/s, ${s.readyPerS} ready/s, ${s.failed} failed, CONNACK p99 ${s.connack_p99_ms} ms`,
          ),
      });
      const knee = rateKnee(r.steps, t.error_ratio);
      const limit = rateLimit(d.balancerFacts);
      h.metric('connect_rate', {
        rates,
        max_clients: maxClients,
        end: r.end,
        knee,
        limit: limit ?? null,
        steps: r.steps,
        load: r.load,
      });
      const findings = rateFindings(knee, limit, {
        minConnectRate: t.min_connect_rate,
        lastRate: rates.at(-1) ?? 0,
        cpus: os.availableParallelism(),
      });
      expect(report(findings)).toEqual([]);
    },
  );
});
