/**
 * The exit code of `mqtt-lb run` and its console verdict: 1 when a test failed, or when a profile regressed
 * against the baseline and regressions fail (`--fail-on-regression`, or the profile's
 * `report: { fail_on_regression: true }`); else 0.
 */
import { compareToBaseline, summaryVerdict, type BaselineDiff } from '../report/index.js';
import type { Summary } from '../report/summary-types.js';

export interface ProfileVerdict {
  profileName: string;
  failed: boolean;
  /** Comparison with the baseline run of the same profile name, when there is one. */
  diff?: BaselineDiff;
  /** Regressions make this profile fail (flag or profile setting). */
  regressionsFail: boolean;
}

export interface RunVerdict {
  code: 0 | 1;
  profiles: ProfileVerdict[];
}

export function decideRun(
  summaries: Summary[],
  baseline: Summary[] | undefined,
  regressionsFail: (profileName: string) => boolean,
): RunVerdict {
  const profiles = summaries.map((s): ProfileVerdict => {
    const before = baseline?.find((b) => b.run.profileName === s.run.profileName);
    return {
      profileName: s.run.profileName,
      failed: summaryVerdict(s) === 'failed',
      diff: before ? compareToBaseline(s, before) : undefined,
      regressionsFail: regressionsFail(s.run.profileName),
    };
  });
  const bad = profiles.some((p) => p.failed || (p.diff?.regressed && p.regressionsFail));
  return { code: bad ? 1 : 0, profiles };
}

/** Console lines: the comparison of each profile with its baseline (what a nightly CI log should show). */
export function baselineLines(verdict: RunVerdict, baselineFile: string | undefined): string[] {
  if (!baselineFile) return [];
  const lines: string[] = [];
  for (const p of verdict.profiles) {
    if (!p.diff) {
      lines.push(`baseline  ${p.profileName}: not in ${baselineFile} (not compared)`);
      continue;
    }
    const statusRegressions = p.diff.statusChanges.filter((c) => c.kind === 'regression');
    const metricRegressions = p.diff.metricChanges.filter((m) => m.regressed);
    if (!p.diff.regressed) {
      lines.push(
        `baseline  ${p.profileName}: no regressions (${p.diff.statusChanges.length} status change(s), ${p.diff.metricChanges.filter((m) => m.judged).length} metric(s) judged, ${p.diff.metricChanges.filter((m) => !m.judged).length} informational)`,
      );
      continue;
    }
    const effect = p.regressionsFail
      ? 'fails the run'
      : 'reported only (use --fail-on-regression or report.fail_on_regression to fail)';
    lines.push(
      `REGRESSED ${p.profileName}: ${statusRegressions.length + metricRegressions.length} regression(s) vs baseline run ${p.diff.baselineRunId} — ${effect}`,
    );
    for (const c of statusRegressions) lines.push(`  test    ${c.suite} › ${c.test}: ${c.from} → ${c.to}`);
    for (const m of metricRegressions)
      lines.push(`  metric  ${m.path}: ${m.from ?? 'null'} → ${m.to ?? 'null'} (${m.worse} is worse)`);
  }
  return lines;
}
