/**
 * Connection phases end to end: `mqtt-lb run` of the pubsub suite behind HAProxy (plain TCP) and of the tls suite
 * behind HAProxy offloading TLS; summary.json carries `metrics.<suite>.connect_phases` with one TCP connect and one
 * CONNACK per client opened (TLS handshakes for the TLS profile), and the profile page shows them.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseSummaryFile } from '../../harness/report/index.js';
import type { ConnectPhasesMetrics, Summary } from '../../harness/report/summary-types.js';
import { assertBuilt, ROOT, runCli } from './cli-helpers.js';

assertBuilt('harness/clients/mqtt.ts', 'harness/clients/phase-watch.ts', 'harness/metrics/connect-phases.ts');

async function run(profile: string, suite: string): Promise<{ summary: Summary; page: string }> {
  const out = path.join(ROOT, 'reports', `test-connect-phases-${suite}`);
  rmSync(out, { recursive: true, force: true });
  const r = await runCli(['run', '--profile', profile, '--suites', suite, '--out', out], { timeoutMs: 150_000 });
  expect(r.stderr).not.toMatch(/TypeError|ReferenceError/);
  expect(r.code).toBe(0);
  const [summary] = parseSummaryFile(readFileSync(path.join(out, 'summary.json'), 'utf8'));
  return { summary: summary!, page: readFileSync(path.join(out, 'index.html'), 'utf8') };
}

function phasesOf(summary: Summary, suite: string): ConnectPhasesMetrics {
  const m = (summary.metrics[suite] as { connect_phases?: ConnectPhasesMetrics } | undefined)?.connect_phases;
  expect(m).toBeDefined();
  return m!;
}

/** Percentiles in order, buckets adding up to the count. */
function expectConsistent(m: ConnectPhasesMetrics): void {
  for (const s of [m.tcp, m.tls, m.ws_upgrade, m.connack, m.suback]) {
    if (!s) continue;
    expect(s.p50_ms).toBeLessThanOrEqual(s.p99_ms);
    expect(s.p99_ms).toBeLessThanOrEqual(s.max_ms);
    expect(s.buckets.reduce((a, b) => a + b.count, 0)).toBe(s.count);
  }
}

describe('connect phases in summary.json and the report', () => {
  test('pubsub over TCP: a TCP connect and a CONNACK per client opened, SUBACKs, no TLS', async () => {
    const { summary, page } = await run('fixtures/profiles/haproxy-roundrobin.yaml', 'pubsub');
    const m = phasesOf(summary, 'pubsub');
    expect(m.clients).toBeGreaterThanOrEqual(10);
    expect(m.transports).toEqual(['tcp']);
    // No client of the pubsub suite reconnects: one attempt per client, each connected and acknowledged.
    expect(m.attempts).toBe(m.clients);
    expect(m.tcp?.count).toBe(m.clients);
    expect(m.connack?.count).toBe(m.clients);
    expect(m.suback?.count).toBeGreaterThan(0);
    expect(m.tls).toBeUndefined();
    expectConsistent(m);
    expect(page).toMatch(/<h4 id="connect-phases-pubsub">pubsub<\/h4>/);
    expect(page).toMatch(/<tr><td>CONNACK<\/td>/);
  }, 180_000);

  test('tls behind TLS offload: a TLS handshake per client that completed one, after its TCP connect', async () => {
    const { summary, page } = await run('fixtures/profiles/haproxy-tls-offload.yaml', 'tls');
    const m = phasesOf(summary, 'tls');
    expect(m.transports).toContain('tls');
    expect(m.tcp?.count).toBe(m.attempts);
    expect(m.tls?.count).toBeGreaterThan(0);
    expect(m.tls!.count).toBeLessThanOrEqual(m.tcp!.count);
    // A CONNACK needs the handshake: the refused cases (unknown CA, wrong host) have neither.
    expect(m.connack?.count).toBeLessThanOrEqual(m.tls!.count);
    expectConsistent(m);
    expect(page).toMatch(/<tr><td>TLS handshake<\/td>/);
  }, 180_000);
});
