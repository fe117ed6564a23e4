/**
 * The balancer config as run, line by line: number, text (wrapped inside the panel) and the line's annotations
 * beside or under it, never over it, coloured by meaning (failed test = red, warning = amber, a holding check = neutral).
 */
import type { DeploymentSummary, Finding, Summary } from '../summary-types.js';
import { redactConfig } from '../redact.js';
import { escapeHtml } from '../text.js';
import { rankedFindings } from '../verdict.js';
import { configLineAnchor } from './anchors.js';
import { richText, sameFile } from './components.js';

/** How a finding colours its line: `fail` = an error (it fails its test), `warn` = a warning, `holds` = info. */
export type LineTone = 'fail' | 'warn' | 'holds';

export interface LineFinding {
  finding: Finding;
  tone: LineTone;
}

const TONE_RANK: Record<LineTone, number> = { fail: 0, warn: 1, holds: 2 };
const TONE_CLASS: Record<LineTone, string> = { fail: 'flagged', warn: 'warned', holds: 'holds' };
const TONE_MARK: Record<LineTone, string> = { fail: '✗', warn: '⚠', holds: '✓' };

function toneOf(finding: Finding, testStatus: string): LineTone {
  if (finding.severity === 'error') return testStatus === 'passed' ? 'warn' : 'fail';
  return finding.severity === 'warning' ? 'warn' : 'holds';
}

/** The findings of the summary that point at a line of the shown config, per line, worst first. */
export function findingsByLine(summary: Summary, d: DeploymentSummary): Map<number, LineFinding[]> {
  const byLine = new Map<number, LineFinding[]>();
  const seen = new Set<string>();
  for (const located of rankedFindings([summary])) {
    const f = located.finding;
    if (f.line === undefined) continue;
    if (f.file !== undefined && d.balancer.configFile !== undefined && !sameFile(f.file, d.balancer.configFile))
      continue;
    const key = `${f.line}\u0000${f.severity}\u0000${f.title}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = byLine.get(f.line) ?? [];
    list.push({ finding: f, tone: toneOf(f, located.testStatus) });
    byLine.set(f.line, list);
  }
  for (const list of byLine.values()) list.sort((a, b) => TONE_RANK[a.tone] - TONE_RANK[b.tone]);
  return byLine;
}

function annotations(d: DeploymentSummary, n: number, flagged: LineFinding[]): string[] {
  const mapped = d.balancer.mapping.find((m) => m.line === n);
  const fitted = d.balancer.machineFit?.rewrites.find((r) => r.line === n);
  const kept = mapped ? undefined : d.balancer.addressRewrites?.find((r) => r.line === n);
  return [
    ...flagged.map(
      (f) => `<span class="note-${f.tone}"><b>${TONE_MARK[f.tone]}</b> ${richText(f.finding.title)}</span>`,
    ),
    mapped ? `<span class="map">→ ${escapeHtml(mapped.node)} <code>${escapeHtml(mapped.mapped)}</code></span>` : '',
    fitted ? `<span class="map">scaled to the machine, was <code>${escapeHtml(fitted.original)}</code></span>` : '',
    kept ? `<span class="map">kept on the machine, was <code>${escapeHtml(kept.original)}</code></span>` : '',
  ].filter(Boolean);
}

/** One table row per line: `td.ln` the number, `td.src` the text and, after it, the line's annotations. */
export function configPanel(summary: Summary, d: DeploymentSummary): string {
  const lines = redactConfig(d.balancer.config ?? '')
    .replace(/\n$/, '')
    .split('\n');
  const byLine = findingsByLine(summary, d);
  const rows = lines.map((text, i) => {
    const n = i + 1;
    const flagged = byLine.get(n) ?? [];
    const notes = annotations(d, n, flagged);
    const worst = flagged[0]?.tone;
    const rewritten = notes.length > flagged.length;
    const cls = worst ? TONE_CLASS[worst] : rewritten ? 'mapped' : '';
    const ann = notes.length ? `<span class="ann">${notes.join('')}</span>` : '';
    return `<tr id="${configLineAnchor(n)}"${cls ? ` class="${cls}"` : ''}><td class="ln">${n}</td><td class="src"><div class="line"><span class="text">${escapeHtml(text) || ' '}</span>${ann}</div></td></tr>`;
  });
  return `<div class="config"><table>${rows.join('')}</table></div>`;
}

export const CONFIG_LEGEND =
  'Red lines hold a finding that failed a test, amber lines a warning, green ✓ notes a check that holds; blue notes say where an address was mapped to a harness node or a setting scaled to the machine.';
