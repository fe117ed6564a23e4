/**
 * The run as GitHub-flavoured Markdown for a CI job summary: verdict, a profile × suite table with pass/fail/skip
 * counts, the top findings with their config file:line (and the line as run), the connection phases' p50/p99, and
 * regressions against the baseline (judged comparisons, and the informational ones listed as not judged).
 */
import type { BaselineDiff, MetricChange } from './baseline.js';
import { findingLocation } from './finding-text.js';
import { redactConfig } from './redact.js';
import type { Finding, SuiteResult, Summary } from './summary-types.js';
import { combinedTotals, overallVerdict, rankedFindings, suiteNames, summaryVerdict, type Verdict } from './verdict.js';
import { sameFile } from './html/components.js';
import { connectPhasesMarkdown } from './markdown-summary-phases.js';
import { cellText } from './markdown-summary-cell.js';

export { cellText };

export interface MarkdownSummaryOptions {
  /** profileName → comparison with the baseline run of that profile (profiles missing here were not compared). */
  baselines?: Record<string, BaselineDiff>;
  /** The --baseline file, named in the regressions section; no section without it. */
  baselineFile?: string;
  /** Where the HTML report is (shown as the last line). */
  reportPath?: string;
  /** How many errors and warnings to list; default 10. */
  topFindings?: number;
}

const VERDICT: Record<Verdict, string> = { passed: '✅ PASSED', failed: '❌ FAILED', empty: '⏭️ NOTHING RAN' };
const SEVERITY: Record<Finding['severity'], string> = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ info' };

/** Inline code in a table cell (backticks inside are replaced, pipes escaped). */
function code(text: string): string {
  return `\`${cellText(text).replace(/`/g, "'")}\``;
}

function suiteCell(suite: SuiteResult | undefined): string {
  if (!suite) return '—';
  const icon = suite.failed > 0 || suite.error ? '❌' : suite.passed > 0 ? '✅' : '⏭️';
  return `${icon} ${suite.passed} / ${suite.failed} / ${suite.skipped}${suite.error ? ' · suite error' : ''}`;
}

function matrix(summaries: Summary[]): string[] {
  const suites = suiteNames(summaries);
  const head = ['Profile', 'Verdict', ...suites];
  const rows = summaries.map((s) => [
    `**${cellText(s.run.profileName)}**`,
    VERDICT[summaryVerdict(s)],
    ...suites.map((name) => suiteCell(s.suites[name])),
  ]);
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** "`haproxy.cfg:23` `balance source`": the finding's location and, when it is a line of the config run, that line. */
function where(summary: Summary | undefined, f: Finding): string {
  const location = findingLocation(f);
  if (!location) return '—';
  const b = summary?.deployment?.balancer;
  const inConfig =
    f.line !== undefined &&
    b?.config !== undefined &&
    (f.file === undefined || b.configFile === undefined || sameFile(f.file, b.configFile));
  const text = inConfig ? redactConfig(b.config!).split('\n')[f.line! - 1]?.trim() : undefined;
  return text ? `${code(location)} ${code(text)}` : code(location);
}

function findings(summaries: Summary[], limit: number): string[] {
  const all = rankedFindings(summaries).filter((f) => f.finding.severity !== 'info');
  if (all.length === 0) return ['No errors or warnings.'];
  const byProfile = new Map(summaries.map((s) => [s.run.profileName, s]));
  const rows = all.slice(0, limit).map((f) => {
    const test =
      f.scope === 'deployment'
        ? `${cellText(f.profile)} › deployment startup`
        : `${cellText(f.profile)} › ${cellText(f.suite)} › ${cellText(f.testDisplay)} (${f.testStatus})`;
    return `| ${SEVERITY[f.finding.severity]} | ${cellText(f.finding.title)} | ${where(byProfile.get(f.profile), f.finding)} | ${test} |`;
  });
  const more = all.length > limit ? [``, `${all.length - limit} more in the HTML report.`] : [];
  return ['| Severity | Finding | Where | Test |', '| --- | --- | --- | --- |', ...rows, ...more];
}

const figure = (v: number | null): string => (v === null ? 'null' : String(v));

function metricCounts(diff: BaselineDiff): string {
  const judged = diff.metricChanges.filter((m) => m.judged).length;
  return `${diff.statusChanges.length} status change(s); ${judged} metric(s) judged, ${diff.metricChanges.length - judged} informational (not judged)`;
}

function regressions(summaries: Summary[], options: MarkdownSummaryOptions): string[] {
  const lines: string[] = [];
  for (const s of summaries) {
    const name = cellText(s.run.profileName);
    const diff = options.baselines?.[s.run.profileName];
    if (!diff) {
      lines.push(`- **${name}**: not in the baseline (not compared)`);
      continue;
    }
    const tests = diff.statusChanges.filter((c) => c.kind === 'regression');
    const metrics = diff.metricChanges.filter((m) => m.regressed);
    if (!diff.regressed) {
      lines.push(`- **${name}**: no regressions (${metricCounts(diff)})`);
      continue;
    }
    lines.push(
      `- **${name}**: ❌ ${tests.length + metrics.length} regression(s) vs run ${code(diff.baselineRunId)} (${metricCounts(diff)})`,
    );
    for (const c of tests) lines.push(`  - test ${cellText(c.suite)} › ${cellText(c.test)}: ${c.from} → ${c.to}`);
    for (const m of metrics)
      lines.push(
        `  - metric ${code(m.path)}: ${figure(m.from)} → ${figure(m.to)} (${m.worse} is worse; ${m.tolerance ?? ''})`,
      );
  }
  return lines;
}

/** Every informational comparison, so a reader sees what moved without it counting as a regression. */
function informational(summaries: Summary[], options: MarkdownSummaryOptions): string[] {
  const rows: Array<[string, MetricChange]> = summaries.flatMap((s) =>
    (options.baselines?.[s.run.profileName]?.metricChanges ?? [])
      .filter((m) => !m.judged)
      .map((m): [string, MetricChange] => [s.run.profileName, m]),
  );
  if (rows.length === 0) return [];
  return [
    '',
    'Informational comparisons (shown, **not judged**: the run reports these figures without asserting them, or they are too noisy between runs):',
    '',
    '| Profile | Metric | Baseline | Now | Why not judged |',
    '| --- | --- | ---: | ---: | --- |',
    ...rows.map(
      ([profile, m]) =>
        `| ${cellText(profile)} | ${cellText(m.label)} | ${figure(m.from)} | ${figure(m.to)} | ${cellText(m.informational ?? '')} |`,
    ),
  ];
}

export function renderMarkdownSummary(summaries: Summary[], options: MarkdownSummaryOptions = {}): string {
  const t = combinedTotals(summaries);
  const out = [
    `## MQTT load-balancer test run: ${VERDICT[overallVerdict(summaries)]}`,
    '',
    `${t.passed} passed · ${t.failed} failed · ${t.skipped} skipped · ${summaries.length} profile${summaries.length === 1 ? '' : 's'}`,
    '',
    'Each suite cell: passed / failed / skipped tests.',
    '',
    ...matrix(summaries),
    '',
    '### Top findings',
    '',
    ...findings(summaries, options.topFindings ?? 10),
  ];
  const phases = connectPhasesMarkdown(summaries);
  if (phases.length) out.push('', ...phases);
  if (options.baselineFile) {
    out.push(
      '',
      `### Regressions against the baseline ${code(options.baselineFile)}`,
      '',
      ...regressions(summaries, options),
      ...informational(summaries, options),
    );
  }
  if (options.reportPath) out.push('', `HTML report: ${code(options.reportPath)}`);
  return `${out.join('\n')}\n`;
}
