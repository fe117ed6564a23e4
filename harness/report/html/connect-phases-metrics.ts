/** Profile page: each suite's connection phases (TCP, TLS, WebSocket upgrade, CONNACK, SUBACK): table and histogram. */
import { connectPhasesChart, PHASE_LABELS } from '../charts/connect-phases-chart.js';
import type { ConnectPhasesMetrics } from '../summary-types.js';
import { escapeHtml, formatNumber } from '../text.js';
import { dataTable, inlineSvg } from './components.js';

const ms = (v: number): string => `${formatNumber(v, v < 10 ? 2 : 1)} ms`;

const MEANING: Record<(typeof PHASE_LABELS)[number]['key'], string> = {
  tcp: 'attempt start → TCP connected',
  tls: 'TCP connected → TLS handshake done',
  ws_upgrade: 'TCP/TLS done → HTTP 101 upgrade',
  connack: 'attempt start → CONNACK (whole connect)',
  suback: 'SUBSCRIBE sent → SUBACK',
};

function phaseTable(m: ConnectPhasesMetrics): string {
  const rows = PHASE_LABELS.flatMap((p) => {
    const s = m[p.key];
    if (!s) return [];
    return [
      [escapeHtml(p.label), escapeHtml(MEANING[p.key]), String(s.count), ms(s.p50_ms), ms(s.p99_ms), ms(s.max_ms)],
    ];
  });
  return dataTable(['Phase', 'Measured', '#Count', '#p50', '#p99', '#Max'], rows);
}

/** What was not measured, said rather than left out. */
function notes(m: ConnectPhasesMetrics): string {
  const out: string[] = [];
  const ws = m.transports.some((t) => t === 'ws' || t === 'wss');
  if (ws && !m.ws_upgrade)
    out.push('WebSocket clients ran, but no upgrade completed: the upgrade phase was not measured.');
  const failed = m.attempts - (m.connack?.count ?? 0);
  if (failed > 0)
    out.push(`${failed} of ${m.attempts} connection attempts got no CONNACK (refused, cut or timed out).`);
  return out.length ? `<p class="note">${out.map(escapeHtml).join(' ')}</p>` : '';
}

/** One block per suite, in run order; empty when no suite recorded phases. */
export async function connectPhasesHtml(bySuite: Record<string, ConnectPhasesMetrics>): Promise<string> {
  const suites = Object.entries(bySuite);
  if (suites.length === 0) return '';
  const blocks = await Promise.all(
    suites.map(
      async ([suite, m]) =>
        `<h4 id="connect-phases-${escapeHtml(suite)}">${escapeHtml(suite)}</h4>
<p class="note">${m.clients} clients, ${m.attempts} connection attempts (${escapeHtml(m.transports.join(', ') || 'tcp')}).</p>
${phaseTable(m)}
${notes(m)}
${inlineSvg(await connectPhasesChart(m, suite))}`,
    ),
  );
  return `<h3>Connection phases</h3>
<p class="note">Per suite, as emqtt-bench reports them: percentiles from HDR histograms of every connection attempt of the suite's clients (reconnects included).</p>
${blocks.join('\n')}`;
}
