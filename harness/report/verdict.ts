/** Overall verdicts and the ranking of findings across profiles, suites and tests. */
import type { Finding, Summary, TestStatus } from './summary-types.js';
import { testDisplayName, testFullName } from './text.js';
import { errorFindingsOf } from './failure-headline.js';

/**
 * - `failed`: a test failed, a suite could not run (`SuiteResult.error`), or the deployment started with an error finding.
 * - `passed`: at least one test passed and none failed.
 * - `empty`: nothing ran (every test skipped, or no tests at all).
 */
export type Verdict = 'passed' | 'failed' | 'empty';

/** Error findings of the deployment's startup (e.g. a server never UP): they fail the profile on their own. */
export function startupErrors(summary: Summary): Finding[] {
  return (summary.deployment?.startup_findings ?? []).filter((f) => f.severity === 'error');
}

export function summaryVerdict(summary: Summary): Verdict {
  const suites = Object.values(summary.suites);
  const failed =
    summary.totals.failed > 0 ||
    suites.some((s) => s.failed > 0 || Boolean(s.error)) ||
    startupErrors(summary).length > 0;
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
  /** 'deployment': seen while starting the deployment (summary.deployment.startup_findings), not in one test. */
  scope?: 'deployment';
}

const sameFinding = (a: Finding, b: Finding): boolean => JSON.stringify(a) === JSON.stringify(b);

const SEVERITY_RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/**
 * All findings of all profiles, errors first, then warnings, then info; stable within a severity. A failed test
 * always contributes an error: its own, or one derived from its assertion message.
 */
export function rankedFindings(summaries: Summary[]): LocatedFinding[] {
  const all: LocatedFinding[] = [];
  for (const summary of summaries) {
    const startup = summary.deployment?.startup_findings ?? [];
    for (const finding of startup) {
      const where = { suite: 'deployment', test: 'startup', testDisplay: 'startup', testStatus: 'failed' as const };
      all.push({ profile: summary.run.profileName, ...where, finding, scope: 'deployment' });
    }
    for (const [suite, result] of Object.entries(summary.suites)) {
      for (const test of result.tests) {
        // A test that attaches a startup finding as its cause: listed once, as the deployment's.
        const own = (test.findings ?? []).filter((f) => !startup.some((s) => sameFinding(s, f)));
        const derived = errorFindingsOf(test).filter((f) => !(test.findings ?? []).includes(f));
        for (const finding of [...derived, ...own]) {
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
