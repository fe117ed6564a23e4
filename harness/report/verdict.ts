/** Overall verdicts and the ranking of findings across profiles, suites and tests. */
import type { Finding, Summary, TestStatus } from './summary-types.js';
import { testDisplayName, testFullName } from './text.js';
import { errorFindingsOf } from './failure-headline.js';

/**
 * - `failed`: a test failed, or a suite could not run (`SuiteResult.error`).
 * - `passed`: at least one test passed and none failed.
 * - `empty`: nothing ran (every test skipped, or no tests at all).
 */
export type Verdict = 'passed' | 'failed' | 'empty';

export function summaryVerdict(summary: Summary): Verdict {
  const suites = Object.values(summary.suites);
  const failed = summary.totals.failed > 0 || suites.some((s) => s.failed > 0 || Boolean(s.error));
  if (failed) return 'failed';
  return summary.totals.passed > 0 ? 'passed' : 'empty';
}

export function overallVerdict(summaries: Summary[]): Verdict {
  const verdicts = summaries.map(summaryVerdict);
  if (verdicts.includes('failed')) return 'failed';
  return verdicts.includes('passed') ? 'passed' : 'empty';
}

export function combinedTotals(summaries: Summary[]): { passed: number; failed: number; skipped: number } {
  return summaries.reduce(
    (acc, s) => ({
      passed: acc.passed + s.totals.passed,
      failed: acc.failed + s.totals.failed,
      skipped: acc.skipped + s.totals.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  );
}

/** Suite names in first-seen order across all summaries (so the matrix columns are stable). */
export function suiteNames(summaries: Summary[]): string[] {
  const names: string[] = [];
  for (const summary of summaries)
    for (const name of Object.keys(summary.suites)) if (!names.includes(name)) names.push(name);
  return names;
}

export interface LocatedFinding {
  profile: string;
  suite: string;
  /** Full test name (the key for anchors and baselines). */
  test: string;
  /** The test's name without a leading describe named like the suite. */
  testDisplay: string;
  testStatus: TestStatus;
  finding: Finding;
}

const SEVERITY_RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/**
 * All findings of all profiles, errors first, then warnings, then info; stable within a severity. A failed test
 * always contributes an error: its own, or one derived from its assertion message.
 */
export function rankedFindings(summaries: Summary[]): LocatedFinding[] {
  const all: LocatedFinding[] = [];
  for (const summary of summaries) {
    for (const [suite, result] of Object.entries(summary.suites)) {
      for (const test of result.tests) {
        const derived = errorFindingsOf(test).filter((f) => !(test.findings ?? []).includes(f));
        for (const finding of [...derived, ...(test.findings ?? [])]) {
          all.push({
            profile: summary.run.profileName,
            suite,
            test: testFullName(test),
            testDisplay: testDisplayName(suite, test),
            testStatus: test.status,
            finding,
          });
        }
      }
    }
  }
  return all
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) => SEVERITY_RANK[a.item.finding.severity] - SEVERITY_RANK[b.item.finding.severity] || a.index - b.index,
    )
    .map(({ item }) => item);
}
