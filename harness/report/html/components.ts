/** Small HTML building blocks shared by the index and profile pages. */
import type { Finding, TestStatus } from '../summary-types.js';
import { escapeHtml, formatDuration } from '../text.js';
import { configLineAnchor } from './anchors.js';

const STATUS_TEXT: Record<TestStatus, string> = { passed: '✓ passed', failed: '✗ failed', skipped: '– skipped' };

export function statusBadge(status: TestStatus): string {
  return `<span class="badge ${status}">${STATUS_TEXT[status]}</span>`;
}

export function severityBadge(severity: Finding['severity']): string {
  return `<span class="badge ${severity}">${severity}</span>`;
}

/** Inline `code` spans in finding text (written with backticks by the suites); everything else escaped. */
export function richText(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export interface FindingOptions {
  /**
   * Set when the balancer config is shown (on this page, or on `href`): a finding with a line in that file links to
   * the highlighted line. `file` undefined: the config's file name is unknown, any finding line links.
   */
  configLink?: {
    file?: string;
    href?: string;
    /** The config as run (redacted), to quote the line the finding is at. */ lines?: string[];
  };
  /** Already-escaped HTML shown above the title (e.g. "profile › suite › test" with a link). */
  contextHtml?: string;
}

function locationHtml(finding: Finding, options: FindingOptions): string {
  if (!finding.file && finding.line === undefined) return '';
  const text = finding.file
    ? finding.line !== undefined
      ? `${finding.file}:${finding.line}`
      : finding.file
    : `line ${finding.line}`;
  const link = options.configLink;
  const linksToConfig =
    finding.line !== undefined &&
    link !== undefined &&
    (finding.file === undefined || link.file === undefined || sameFile(finding.file, link.file));
  const code = `<code>${escapeHtml(text)}</code>`;
  const inner = linksToConfig
    ? `<a href="${escapeHtml(link?.href ?? '')}#${configLineAnchor(finding.line!)}">${code}</a>`
    : code;
  const quoted = linksToConfig ? link?.lines?.[finding.line! - 1]?.trim() : undefined;
  return `<div class="where">at ${inner}${quoted ? ` <code class="quoted">${escapeHtml(quoted)}</code>` : ''}</div>`;
}

/** "haproxy.cfg" matches "/etc/haproxy/haproxy.cfg": findings may name the file by its base name. */
export function sameFile(a: string, b: string): boolean {
  const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
  return a === b || base(a) === base(b);
}

export function findingBlock(finding: Finding, options: FindingOptions = {}): string {
  const parts = [
    options.contextHtml ? `<div class="context">${options.contextHtml}</div>` : '',
    `<div class="title">${severityBadge(finding.severity)} ${richText(finding.title)}</div>`,
    finding.detail ? `<div class="detail">${richText(finding.detail)}</div>` : '',
    locationHtml(finding, options),
    finding.remedy ? `<div class="remedy"><b>Remedy:</b> ${richText(finding.remedy)}</div>` : '',
  ];
  return `<div class="finding ${finding.severity}">${parts.join('')}</div>`;
}

export function metricTile(label: string, value: string, bad = false): string {
  return `<div class="metric${bad ? ' bad' : ''}"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`;
}

export function keyValueTable(rows: Array<[string, string]>): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/** A plain table; cells are already-escaped HTML. Columns whose header starts with '#' are right-aligned numbers. */
export function dataTable(headers: string[], rows: string[][]): string {
  const numeric = headers.map((h) => h.startsWith('#'));
  const head = headers
    .map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeHtml(numeric[i] ? h.slice(1) : h)}</th>`)
    .join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell, i) => `<td${numeric[i] ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function runTimes(run: { started: string; finished: string }): string {
  const ms = Date.parse(run.finished) - Date.parse(run.started);
  return `${escapeHtml(run.started.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))} · took ${escapeHtml(formatDuration(Number.isFinite(ms) ? ms : null))}`;
}

/** SVG from the chart renderer, prepared for inlining in HTML (namespace URIs are implied by the HTML parser). */
export function inlineSvg(svg: string): string {
  if (!svg) return '';
  return `<div class="chart">${svg.replace(/\s+xmlns(:\w+)?="[^"]*"/g, '')}</div>`;
}
