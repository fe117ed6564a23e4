/** `mqtt-lb run --suites tls` as a user runs it, and readers for its summary.json (shared by the TLS CLI tests). */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Summary, TestResult, TlsMetrics } from '../../harness/report/summary-types.js';
import { assertBuilt, runCli } from './cli-helpers.js';

export interface TlsRun {
  code: number | null;
  summary: Summary;
  tests: TestResult[];
  log: string;
}

export async function runTls(profile: string, extraArgs: string[] = []): Promise<TlsRun> {
  assertBuilt('suites/tls.test.ts', 'harness/tls/run-tls.ts', 'harness/tls/tls-target.ts', 'harness/balancer/ts-proxy/map-config.ts');
  const out = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-tls-'));
  try {
    const r = await runCli(['run', '--profile', profile, '--suites', 'tls', '--out', out, ...extraArgs], { timeoutMs: 170_000 });
    if (!existsSync(path.join(out, 'summary.json'))) throw new Error(`mqtt-lb run --profile ${profile} (exit ${r.code}) wrote no summary.json:\n${(r.stdout + r.stderr).slice(-3000)}`);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    return { code: r.code, summary, tests: summary.suites.tls?.tests ?? [], log: r.stdout + r.stderr };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function byName(tests: TestResult[], prefix: string): TestResult {
  const t = tests.find((x) => x.name.startsWith(prefix));
  if (!t) throw new Error(`no test '${prefix}…' in ${tests.map((x) => x.name).join(' | ')}`);
  return t;
}
/** Names (up to the colon) of the failed tests. */
export const failedTests = (tests: TestResult[]): string[] => tests.filter((t) => t.status === 'failed').map((t) => t.name.split(':')[0]!);
/** Names (up to the colon or arrow) of the skipped tests. */
export const skippedTests = (tests: TestResult[]): string[] => tests.filter((t) => t.status === 'skipped').map((t) => t.name.split(':')[0]!.split(' →')[0]!);
export const errorFindings = (t: TestResult) => t.findings.filter((f) => f.severity === 'error');
export const tlsMetrics = (s: Summary): TlsMetrics & Record<string, unknown> => s.metrics.tls as TlsMetrics & Record<string, unknown>;
