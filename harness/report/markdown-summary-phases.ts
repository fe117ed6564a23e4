/** The CI summary's connection-phase table: p50 / p99 of each phase (TCP, TLS, WebSocket, CONNACK, SUBACK) per suite. */
import { PHASE_KINDS } from './baseline-metrics.js';
import { connectPhasesBySuite } from '../results/schema.js';
import type { ConnectPhaseStats, Summary } from './summary-types.js';
import { cellText } from './markdown-summary-cell.js';

const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));

function cell(s: ConnectPhaseStats | undefined): string {
  return s ? `${ms(s.p50_ms)} / ${ms(s.p99_ms)} (n ${s.count})` : '—';
}

/** Markdown lines (a heading and a table), or none when no suite recorded connection phases. */
export function connectPhasesMarkdown(summaries: Summary[]): string[] {
  const rows = summaries.flatMap((s) =>
    Object.entries(connectPhasesBySuite(s.metrics)).map(([suite, m]) => ({ profile: s.run.profileName, suite, m })),
  );
  if (rows.length === 0) return [];
  const phases = PHASE_KINDS.filter((p) => rows.some((r) => r.m[p.key]));
  const head = ['Profile', 'Suite', 'Transports', 'Attempts', ...phases.map((p) => p.label)];
  return [
    '### Connect phases',
    '',
    'Each phase: p50 / p99 in ms (n samples), from the clients of each suite, as emqtt-bench reports them.',
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i < 3 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map(
      (r) =>
        `| ${[
          `**${cellText(r.profile)}**`,
          cellText(r.suite),
          cellText(r.m.transports.join(', ') || '—'),
          String(r.m.attempts),
          ...phases.map((p) => cell(r.m[p.key])),
        ].join(' | ')} |`,
    ),
  ];
}
