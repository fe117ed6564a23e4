/** Profile page: every suite and test with status, duration, failure text, findings and skip reasons. */
import type { StatusChange } from '../baseline.js';
import type { SuiteResult, Summary, TestResult } from '../summary-types.js';
import { escapeHtml, formatDuration, stripAnsi, testDisplayName, testFullName } from '../text.js';
import { suiteAnchor, testAnchor } from './anchors.js';
import { dataTable, findingBlock, statusBadge, type FindingOptions } from './components.js';

const CHANGE_TEXT: Record<StatusChange['kind'], string> = {
  regression: 'regressed',
  improvement: 'fixed',
  other: 'changed',
};

function changeBadge(change: StatusChange | undefined): string {
  if (!change) return '';
  return ` <span class="badge ${change.kind}" title="baseline: ${escapeHtml(change.from)}">${CHANGE_TEXT[change.kind]} · was ${escapeHtml(change.from)}</span>`;
}

function testBlock(
  suite: string,
  test: TestResult,
  change: StatusChange | undefined,
  findingOptions: FindingOptions,
): string {
  const name = testFullName(test);
  const shownName = testDisplayName(suite, test);
  const body: string[] = [];
  if (test.status === 'skipped')
    body.push(`<div class="skip">Skipped: ${escapeHtml(test.skipReason ?? 'no reason given')}</div>`);
  for (const message of test.failureMessages ?? [])
    body.push(`<pre class="failure">${escapeHtml(stripAnsi(message).trimEnd())}</pre>`);
  for (const finding of test.findings ?? []) body.push(findingBlock(finding, findingOptions));
  const duration = test.status === 'skipped' ? '' : escapeHtml(formatDuration(test.durationMs));
  return `<div class="test" id="${testAnchor(suite, name)}"><div class="head">${statusBadge(test.status)}<span class="name">${escapeHtml(shownName)}${changeBadge(change)}</span><span class="dur">${duration}</span></div>${body.length ? `<div class="body">${body.join('')}</div>` : ''}</div>`;
}

function suiteCounts(suite: SuiteResult): string {
  return `${suite.passed} passed · ${suite.failed} failed · ${suite.skipped} skipped · ${escapeHtml(formatDuration(suite.durationMs))}`;
}

function suiteStatus(suite: SuiteResult): 'passed' | 'failed' | 'skipped' {
  return suite.failed > 0 || suite.error ? 'failed' : suite.passed > 0 ? 'passed' : 'skipped';
}

/** A compact table at the top of the page: one row per suite, linking to its section. */
export function suiteOverview(summary: Summary): string {
  const rows = Object.entries(summary.suites).map(([name, suite]) => [
    `<a href="#${suiteAnchor(name)}">${escapeHtml(name)}</a>`,
    statusBadge(suiteStatus(suite)) + (suite.error ? ' <span class="regressed">could not run</span>' : ''),
    String(suite.passed),
    suite.failed > 0 ? `<span class="regressed">${suite.failed}</span>` : '0',
    String(suite.skipped),
    escapeHtml(formatDuration(suite.durationMs)),
  ]);
  if (rows.length === 0) return '';
  return `<section class="card" id="overview"><h2>Suites</h2>${dataTable(['Suite', 'Result', '#Passed', '#Failed', '#Skipped', '#Duration'], rows)}</section>`;
}

export function suitesSection(summary: Summary, changes: StatusChange[] = []): string {
  const balancer = summary.deployment?.balancer;
  const findingOptions: FindingOptions =
    balancer?.config !== undefined ? { configLink: { file: balancer.configFile } } : {};
  const parts = Object.entries(summary.suites).map(([name, suite]) => {
    const status = suiteStatus(suite);
    const error = suite.error
      ? `<div class="suite-error"><b>The suite could not run:</b> ${escapeHtml(stripAnsi(suite.error))}</div>`
      : '';
    const tests = suite.tests.map((t) =>
      testBlock(
        name,
        t,
        changes.find((c) => c.suite === name && c.test === testFullName(t)),
        findingOptions,
      ),
    );
    const empty = suite.tests.length === 0 && !suite.error ? '<p class="note">No tests.</p>' : '';
    return `<div class="suite-head" id="${suiteAnchor(name)}"><h3>${escapeHtml(name)}</h3>${statusBadge(status)}<span class="summary">${suiteCounts(suite)}</span></div>${error}${tests.join('')}${empty}`;
  });
  return `<section class="card" id="suites"><h2>Suites and tests</h2>${parts.join('') || '<p class="note">No suites ran.</p>'}</section>`;
}
