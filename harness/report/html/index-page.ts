/** The run's front page for several profiles: a profile × suite matrix, the overall verdict and the top findings. */
import type { BaselineDiff } from '../baseline.js';
import type { SuiteResult, Summary } from '../summary-types.js';
import { escapeHtml, formatDuration } from '../text.js';
import { redactConfig } from '../redact.js';
import { combinedTotals, overallVerdict, rankedFindings, suiteNames, summaryVerdict } from '../verdict.js';
import { suiteAnchor, testAnchor } from './anchors.js';
import { findingBlock, runTimes, statusBadge } from './components.js';
import { renderPage } from './layout.js';

export interface IndexOptions {
  /** profileName → href of its page (e.g. "profiles/haproxy-source.html"). */
  profilePages: Record<string, string>;
  /** profileName → comparison with the baseline, when one was given. */
  baselines?: Record<string, BaselineDiff>;
  /** How many findings to list (errors first); default 10. */
  topFindings?: number;
}

function cell(suite: SuiteResult | undefined, href: string | undefined, suiteName: string): string {
  if (!suite) return '<td class="cell none">not run</td>';
  const state = suite.failed > 0 || suite.error ? 'failed' : suite.passed > 0 ? 'passed' : 'empty';
  const label = state === 'failed' ? '✗ FAIL' : state === 'passed' ? '✓ PASS' : '– SKIPPED';
  const text = `${label}<small>${suite.passed} passed · ${suite.failed} failed · ${suite.skipped} skipped${suite.error ? ' · suite error' : ''}</small>`;
  const linked = href
    ? `<a href="${escapeHtml(href)}#${suiteAnchor(suiteName)}" style="color:inherit">${text}</a>`
    : text;
  return `<td class="cell ${state}">${linked}</td>`;
}

function baselineCell(diff: BaselineDiff | undefined, href: string | undefined): string {
  if (!diff) return '';
  const badge = diff.regressed
    ? '<span class="badge regression">regressed</span>'
    : '<span class="badge improvement">no regressions</span>';
  return `<td>${href ? `<a href="${escapeHtml(href)}#baseline">${badge}</a>` : badge}</td>`;
}

function matrix(summaries: Summary[], options: IndexOptions): string {
  const suites = suiteNames(summaries);
  const withBaseline = options.baselines !== undefined && Object.keys(options.baselines).length > 0;
  const head = `<tr><th>Profile</th><th>Verdict</th>${suites.map((s) => `<th>${escapeHtml(s)}</th>`).join('')}<th class="num">Duration</th>${withBaseline ? '<th>Baseline</th>' : ''}</tr>`;
  const rows = summaries.map((summary) => {
    const name = summary.run.profileName;
    const href = options.profilePages[name];
    const d = summary.deployment;
    const stack = d
      ? `<div class="note">${escapeHtml(d.broker.kind)} ${escapeHtml(d.broker.version)} · ${escapeHtml(d.balancer.kind)} ${escapeHtml(d.balancer.version)} · ${escapeHtml(d.runtime)}</div>`
      : '';
    const title = href ? `<a href="${escapeHtml(href)}"><b>${escapeHtml(name)}</b></a>` : `<b>${escapeHtml(name)}</b>`;
    const duration = formatDuration(Date.parse(summary.run.finished) - Date.parse(summary.run.started));
    const verdict = summaryVerdict(summary);
    const verdictBadge = statusBadge(verdict === 'empty' ? 'skipped' : verdict);
    const baseline = withBaseline ? baselineCell(options.baselines?.[name], href) || '<td class="note">—</td>' : '';
    return `<tr><td>${title}${stack}</td><td>${verdictBadge}</td>${suites.map((s) => cell(summary.suites[s], href, s)).join('')}<td class="num">${escapeHtml(duration)}</td>${baseline}</tr>`;
  });
  return `<div class="scroll"><table class="matrix"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function topFindings(summaries: Summary[], options: IndexOptions): string {
  const all = rankedFindings(summaries);
  const limit = options.topFindings ?? 10;
  if (all.length === 0) return '<p class="note">No findings.</p>';
  const blocks = all.slice(0, limit).map((f) => {
    const href = options.profilePages[f.profile];
    const balancer = summaries.find((s) => s.run.profileName === f.profile)?.deployment?.balancer;
    const lines = balancer?.config !== undefined ? redactConfig(balancer.config).split('\n') : undefined;
    const configLink = href ? { file: balancer?.configFile, href, lines } : undefined;
    const anchor = f.scope === 'deployment' ? 'deployment' : testAnchor(f.suite, f.test);
    const testLink = href
      ? `<a href="${escapeHtml(href)}#${anchor}">${escapeHtml(f.testDisplay)}</a>`
      : escapeHtml(f.testDisplay);
    return findingBlock(f.finding, {
      configLink,
      contextHtml: `<b>${escapeHtml(f.profile)}</b> › ${escapeHtml(f.suite)} › ${testLink} (${escapeHtml(f.testStatus)})`,
    });
  });
  const more = all.length > limit ? `<p class="note">${all.length - limit} more on the profile pages.</p>` : '';
  return blocks.join('') + more;
}

export function renderIndex(summaries: Summary[], options: IndexOptions): string {
  const verdict = overallVerdict(summaries);
  const first = [...summaries].sort((a, b) => a.run.started.localeCompare(b.run.started))[0];
  const last = [...summaries].sort((a, b) => b.run.finished.localeCompare(a.run.finished))[0];
  const subtitle = [
    `${summaries.length} profile${summaries.length === 1 ? '' : 's'}${first && last ? ` · ${runTimes({ started: first.run.started, finished: last.run.finished })}` : ''}${first ? ` · harness ${escapeHtml(first.run.harnessVersion)}` : ''}`,
  ];
  const body = `<section class="card" id="matrix"><h2>Results by profile and suite</h2>
<p class="note">Each cell: the suite’s outcome for that profile. Click a profile for its deployment, balancer config, test details and charts.</p>
${matrix(summaries, options)}</section>
<section class="card" id="findings"><h2>Top findings</h2>${topFindings(summaries, options)}</section>`;
  return renderPage(
    { title: 'MQTT load-balancer test report', subtitleHtml: subtitle, verdict, totals: combinedTotals(summaries) },
    body,
  );
}
