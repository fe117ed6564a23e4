/**
 * Profile page: "Compared with baseline" — status changes, the judged metric changes with their tolerance and
 * verdict, and the informational ones (shown, not judged) with why.
 */
import type { BaselineDiff, MetricChange } from '../baseline.js';
import { escapeHtml, formatNumber } from '../text.js';
import { testAnchor } from './anchors.js';
import { dataTable } from './components.js';

const KIND_TEXT = { regression: 'regression', improvement: 'improvement', other: 'changed' } as const;

function changeText(m: MetricChange): string {
  if (m.from === null && m.to === null) return 'null in both runs';
  if (m.change === null) return m.to === null ? 'no longer measured' : 'now measured';
  if (m.change === 0) return 'unchanged';
  const sign = m.change > 0 ? '+' : '';
  const relative = m.relativeChange === null ? '' : ` (${sign}${formatNumber(m.relativeChange * 100, 1)} %)`;
  return `${sign}${formatNumber(m.change, 2)}${relative}`;
}

function metricVerdict(m: MetricChange): string {
  if (m.regressed) return '<span class="badge regression">regressed</span>';
  const better = m.change !== null && (m.worse === 'higher' ? m.change < 0 : m.change > 0);
  return better ? '<span class="improved">better</span>' : '<span class="note">within tolerance</span>';
}

export function baselineSection(diff: BaselineDiff): string {
  const when = escapeHtml(diff.baselineStarted.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'));
  const regressions =
    diff.statusChanges.filter((c) => c.kind === 'regression').length +
    diff.metricChanges.filter((m) => m.regressed).length;
  const judgedCount = diff.metricChanges.filter((m) => m.judged).length;
  const counts = ` ${judgedCount} metric${judgedCount === 1 ? '' : 's'} judged, ${diff.metricChanges.length - judgedCount} informational (not judged).`;
  const headline = diff.regressed
    ? `<p><span class="badge regression">${regressions} regression${regressions === 1 ? '' : 's'}</span> compared with baseline run <code>${escapeHtml(diff.baselineRunId)}</code> of ${when}.${counts}</p>`
    : `<p><span class="badge improvement">no regressions</span> compared with baseline run <code>${escapeHtml(diff.baselineRunId)}</code> of ${when}.${counts}</p>`;
  const statuses = diff.statusChanges.length
    ? `<h3>Test status changes</h3>${dataTable(
        ['Suite', 'Test', 'Baseline', 'Now', 'Change'],
        diff.statusChanges.map((c) => [
          escapeHtml(c.suite),
          `<a href="#${testAnchor(c.suite, c.test)}">${escapeHtml(c.test)}</a>`,
          escapeHtml(c.from),
          escapeHtml(c.to),
          `<span class="badge ${c.kind}">${KIND_TEXT[c.kind]}</span>`,
        ]),
      )}`
    : '<p class="note">No test changed status.</p>';
  const judged = diff.metricChanges.filter((m) => m.judged);
  const informational = diff.metricChanges.filter((m) => !m.judged);
  const metrics = diff.metricChanges.length
    ? `<h3>Metric changes (judged)</h3>${
        judged.length
          ? dataTable(
              ['Metric', '#Baseline', '#Now', '#Change', 'Tolerance', 'Verdict'],
              judged.map((m) => [
                `${escapeHtml(m.label)} <span class="note">(${m.worse} is worse)</span>`,
                formatNumber(m.from, 3),
                formatNumber(m.to, 3),
                changeText(m),
                `<span class="note">${escapeHtml(m.tolerance ?? '')}</span>`,
                metricVerdict(m),
              ]),
            )
          : '<p class="note">No metric of this run is asserted in both runs.</p>'
      }${
        informational.length
          ? `<h3>Informational comparisons (not judged)</h3><p class="note">Figures the run reports but does not assert, or too noisy between runs to judge: shown for reading, never counted as regressions.</p>${dataTable(
              ['Metric', '#Baseline', '#Now', '#Change', 'Why not judged', 'Verdict'],
              informational.map((m) => [
                escapeHtml(m.label),
                formatNumber(m.from, 3),
                formatNumber(m.to, 3),
                changeText(m),
                `<span class="note">${escapeHtml(m.informational ?? '')}</span>`,
                '<span class="badge info">informational</span>',
              ]),
            )}`
          : ''
      }`
    : '<p class="note">No comparable metrics in both runs.</p>';
  return `<section class="card" id="baseline"><h2>Compared with baseline</h2>${headline}${statuses}${metrics}</section>`;
}
