/**
 * Builds summary.json for one profile from Jest's JSON results and the suites' own records
 * (findings, skip reasons, metrics, deployment).
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Summary, SuiteResult, TestResult, TestStatus } from '../report/summary-types.js';
import { SuiteRecord } from '../results/suite-record.js';
import { parseAs } from '../results/validate.js';
import { stripAnsi } from '../report/text.js';

export interface JestAssertion {
  ancestorTitles: string[];
  title: string;
  fullName: string;
  status: string;
  duration?: number | null;
  failureMessages?: string[];
}

export interface JestFileResult {
  name: string;
  status: string;
  message?: string;
  startTime?: number;
  endTime?: number;
  assertionResults: JestAssertion[];
}

export interface JestJson {
  testResults: JestFileResult[];
}

function toStatus(s: string): TestStatus {
  if (s === 'passed') return 'passed';
  if (s === 'failed') return 'failed';
  return 'skipped';
}

export function suiteNameOf(file: string): string {
  return path.basename(file).replace(/\.test\.[cm]?[jt]s$/, '');
}

export function readRecords(dir: string): Record<string, SuiteRecord> {
  if (!existsSync(dir)) return {};
  const out: Record<string, SuiteRecord> = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const file = path.join(dir, f);
    const rec = parseAs(SuiteRecord, JSON.parse(readFileSync(file, 'utf8')), `suite record ${file}`);
    out[rec.suite] = rec;
  }
  return out;
}

export interface MergeInput {
  runId: string;
  started: Date;
  finished: Date;
  harnessVersion: string;
  profileFile: string;
  profileName: string;
  jest: JestJson | undefined;
  records: Record<string, SuiteRecord>;
  /** Suites that were asked for but could not run at all (reason shown in the report). */
  unavailable?: Record<string, string>;
  /** The run was stopped (a balancer with no UP server): the asked-for suites Jest did not report fail with the reason. */
  stopped?: { reason: string; suites: string[] };
}

export function mergeResults(input: MergeInput): Summary {
  const suites: Record<string, SuiteResult> = {};
  for (const file of input.jest?.testResults ?? []) {
    const name = suiteNameOf(file.name);
    const rec = input.records[name];
    const tests: TestResult[] = file.assertionResults.map((a) => {
      const status = toStatus(a.status);
      return {
        name: a.title,
        path: a.ancestorTitles,
        status,
        durationMs: a.duration ?? 0,
        skipReason: status === 'skipped' ? (rec?.skipReasons[a.title] ?? 'skipped (no reason recorded)') : undefined,
        failureMessages: a.failureMessages?.length ? a.failureMessages.map(stripAnsi) : undefined,
        findings: rec?.findings[a.fullName] ?? [],
      };
    });
    const count = (s: TestStatus): number => tests.filter((t) => t.status === s).length;
    const fileError = file.status === 'failed' && !tests.length ? stripAnsi(file.message ?? '').trim() : rec?.error;
    suites[name] = {
      passed: count('passed'),
      failed: count('failed') + (fileError && !tests.length ? 1 : 0),
      skipped: count('skipped'),
      durationMs:
        file.endTime && file.startTime ? file.endTime - file.startTime : tests.reduce((a, t) => a + t.durationMs, 0),
      error: fileError || undefined,
      tests,
    };
  }
  for (const name of input.stopped?.suites ?? []) {
    if (suites[name]) continue;
    const error = input.records[name]?.error ?? `not run: the run was stopped — ${input.stopped!.reason}`;
    suites[name] = { passed: 0, failed: 1, skipped: 0, durationMs: 0, error, tests: [] };
  }
  for (const [name, reason] of Object.entries(input.unavailable ?? {})) {
    suites[name] = {
      passed: 0,
      failed: 0,
      skipped: 1,
      durationMs: 0,
      tests: [{ name: `${name} suite`, path: [], status: 'skipped', durationMs: 0, skipReason: reason, findings: [] }],
    };
  }
  const metrics: Summary['metrics'] = {};
  for (const [name, rec] of Object.entries(input.records))
    if (Object.keys(rec.metrics).length) metrics[name] = rec.metrics;
  const deployment = Object.values(input.records).find((r) => r.deployment)?.deployment;
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const s of Object.values(suites)) {
    totals.passed += s.passed;
    totals.failed += s.failed;
    totals.skipped += s.skipped;
  }
  return {
    schema: 1,
    run: {
      id: input.runId,
      started: input.started.toISOString(),
      finished: input.finished.toISOString(),
      harnessVersion: input.harnessVersion,
      profile: input.profileFile,
      profileName: input.profileName,
    },
    deployment,
    totals,
    suites,
    metrics,
  };
}
