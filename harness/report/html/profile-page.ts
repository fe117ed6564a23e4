/** The page for one profile: header with verdict, findings, deployment, config, suites, metrics, baseline. */
import type { BaselineDiff } from '../baseline.js';
import type { Summary } from '../summary-types.js';
import { escapeHtml } from '../text.js';
import { redactConfig } from '../redact.js';
import { rankedFindings, summaryVerdict, type LocatedFinding } from '../verdict.js';
import { testAnchor } from './anchors.js';
import { findingBlock, runTimes } from './components.js';
import { baselineSection } from './baseline-section.js';
import { deploymentSection } from './deployment-section.js';
import { renderPage } from './layout.js';
import { metricsSection } from './metrics-section.js';
import { suiteOverview, suitesSection } from './suites-section.js';

export interface ProfilePageOptions {
  baseline?: BaselineDiff;
  /** Link back to the run's matrix page (multi-profile runs). */
  indexHref?: string;
}

/** Errors, then warnings, then (folded) info at the top, each linking to its test further down. */
function findingsSummary(summary: Summary): string {
  const findings = rankedFindings([summary]);
  if (findings.length === 0) return '';
  const config = summary.deployment?.balancer.config;
  const configLink =
    config !== undefined
      ? { file: summary.deployment?.balancer.configFile, lines: redactConfig(config).split('\n') }
      : undefined;
  const block = (f: LocatedFinding): string =>
    findingBlock(f.finding, {
      configLink,
      contextHtml:
        f.scope === 'deployment'
          ? `<a href="#deployment">deployment startup</a> (every suite ran with the servers that were UP)`
          : `${escapeHtml(f.suite)} › <a href="#${testAnchor(f.suite, f.test)}">${escapeHtml(f.testDisplay)}</a> (${escapeHtml(f.testStatus)})`,
    });
  const shown = findings.filter((f) => f.finding.severity !== 'info');
  const info = findings.filter((f) => f.finding.severity === 'info');
  const folded = info.length
    ? `<details class="info-findings"><summary>${info.length} informational note${info.length === 1 ? '' : 's'} (checks that hold, context)</summary>${info.map(block).join('')}</details>`
    : '';
  const none = shown.length ? '' : '<p class="note">No errors or warnings.</p>';
  return `<section class="card" id="findings"><h2>Findings</h2>${none}${shown.map(block).join('')}${folded}</section>`;
}

function subtitle(summary: Summary, options: ProfilePageOptions): string[] {
  const d = summary.deployment;
  const lines = [];
  if (options.indexHref) lines.push(`<a href="${escapeHtml(options.indexHref)}">← all profiles</a>`);
  const stack = d
    ? ` · ${escapeHtml(d.broker.kind)} ${escapeHtml(d.broker.version)} behind ${escapeHtml(d.balancer.kind)} ${escapeHtml(d.balancer.version)} · ${escapeHtml(d.runtime)} runtime`
    : '';
  lines.push(`Profile <b>${escapeHtml(summary.run.profileName)}</b>${stack}`);
  lines.push(
    `Run <code>${escapeHtml(summary.run.id)}</code> · ${runTimes(summary.run)} · harness ${escapeHtml(summary.run.harnessVersion)}`,
  );
  return lines;
}

export async function renderProfilePage(summary: Summary, options: ProfilePageOptions = {}): Promise<string> {
  const changes = options.baseline?.statusChanges ?? [];
  const body = [
    suiteOverview(summary),
    findingsSummary(summary),
    options.baseline ? baselineSection(options.baseline) : '',
    deploymentSection(summary),
    suitesSection(summary, changes),
    await metricsSection(summary),
  ].join('\n');
  const header = {
    title: `MQTT load-balancer test report — ${summary.run.profileName}`,
    subtitleHtml: subtitle(summary, options),
    verdict: summaryVerdict(summary),
    totals: summary.totals,
  };
  return renderPage(header, body);
}
