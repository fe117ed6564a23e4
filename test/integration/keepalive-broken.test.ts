/**
 * The keepalive suite run like a user runs it: a `timeout client` below the keepalive fails both the
 * static check (naming the line) and the dynamic check (idle clients cut); a production config passes.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Summary, TestResult } from '../../harness/report/summary-types.js';
import { assertBuilt, runCli } from './cli-helpers.js';

async function runKeepalive(profile: string): Promise<{ code: number | null; summary: Summary; tests: TestResult[] }> {
  assertBuilt('suites/keepalive.test.ts', 'harness/keepalive/static-check.ts');
  const out = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-keepalive-'));
  try {
    const r = await runCli(['run', '--profile', profile, '--suites', 'keepalive', '--out', out], { timeoutMs: 110_000 });
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    return { code: r.code, summary, tests: summary.suites.keepalive?.tests ?? [] };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const byName = (tests: TestResult[], prefix: string): TestResult => {
  const t = tests.find((x) => x.name.startsWith(prefix));
  if (!t) throw new Error(`no test '${prefix}…' in ${tests.map((x) => x.name).join(' | ')}`);
  return t;
};

describe('keepalive suite through the CLI', () => {
  test('broken: `timeout client 5s` under a 10 s keepalive fails statically (line 18) and dynamically (clients cut at ~5 s)', async () => {
    const { code, tests, summary } = await runKeepalive('fixtures/broken/keepalive-short-timeout.yaml');
    expect(code).toBe(1);
    const stat = byName(tests, 'static');
    expect(stat.status).toBe('failed');
    expect(stat.findings.find((f) => f.severity === 'error')).toMatchObject({ line: 18, title: expect.stringMatching(/`timeout client 5s` \(line 18\) is below 1\.5 × the MQTT keepalive/) });
    const dyn = byName(tests, 'dynamic');
    expect(dyn.status).toBe('failed');
    const cut = dyn.findings.find((f) => f.severity === 'error')!;
    expect(cut).toMatchObject({ line: 18 });
    expect(cut.detail).toMatch(/matches `timeout client 5s`/);
    const m = summary.metrics.keepalive as { dynamic: { cut_after_ms: number[] } };
    for (const ms of m.dynamic.cut_after_ms) expect(Math.abs(ms - 5000)).toBeLessThan(1500);
  }, 120_000);

  test('good: the production roundrobin config (300 s vs keepalive 60 s) passes both checks', async () => {
    const { code, tests } = await runKeepalive('fixtures/profiles/haproxy-roundrobin.yaml');
    expect({ code, statuses: tests.map((t) => t.status) }).toEqual({ code: 0, statuses: ['passed', 'passed'] });
    expect(byName(tests, 'dynamic').findings.map((f) => f.title).join(' ')).toMatch(/stayed connected/);
  }, 120_000);
});
