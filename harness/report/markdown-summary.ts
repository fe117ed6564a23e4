/**
 * The run as GitHub-flavoured Markdown for a CI job summary: verdict, a profile × suite table with pass/fail/skip
 * counts, the top findings with their config file:line (and the line as run), and regressions against the baseline.
 */
import type { BaselineDiff } from './baseline.js';
import { findingLocation } from './finding-text.js';
import { redactConfig } from './redact.js';
import type { Finding, SuiteResult, Summary } from './summary-types.js';
import { stripAnsi } from './text.js';
import { combinedTotals, overallVerdict, rankedFindings, suiteNames, summaryVerdict, type Verdict } from './verdict.js';
import { sameFile } from './html/components.js';

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

/** Text safe inside a Markdown table cell: one line, pipes escaped, no HTML. */
export function cellText(text: string): string {
  return stripAnsi(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .trim();
}

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
      lines.push(
        `- **${name}**: no regressions (${diff.statusChanges.length} status change(s), ${diff.metricChanges.length} metric(s) compared)`,
      );
      continue;
    }
    lines.push(`- **${name}**: ❌ ${tests.length + metrics.length} regression(s) vs run ${code(diff.baselineRunId)}`);
    for (const c of tests) lines.push(`  - test ${cellText(c.suite)} › ${cellText(c.test)}: ${c.from} → ${c.to}`);
    for (const m of metrics)
      lines.push(`  - metric ${code(m.path)}: ${m.from ?? 'null'} → ${m.to ?? 'null'} (${m.worse} is worse)`);
  }
  return lines;
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
  if (options.baselineFile) {
    out.push(
      '',
      `### Regressions against the baseline ${code(options.baselineFile)}`,
      '',
      ...regressions(summaries, options),
    );
  }
  if (options.reportPath) out.push('', `HTML report: ${code(options.reportPath)}`);
  return `${out.join('\n')}\n`;
}
