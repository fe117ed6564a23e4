/** Profile page: TLS handshake performance and certificates; pub/sub latency. */
import { pubsubLatencyChart, tlsHandshakeChart } from '../charts/latency-charts.js';
import type { PubsubMetrics, TlsMetrics } from '../summary-types.js';
import type { TlsHandshakeFigures } from '../../results/schema.js';
import { escapeHtml, formatNumber } from '../text.js';
import { dataTable, inlineSvg, metricTile } from './components.js';

const ms = (v: number | undefined) => (v === undefined ? '—' : `${formatNumber(v, 1)} ms`);

function certificates(m: TlsMetrics): string {
  if (!m.certificates?.length) return '';
  const rows = m.certificates.map((c) => [
    escapeHtml(c.role),
    `<code>${escapeHtml(c.subject)}</code>`,
    `<code>${escapeHtml(c.issuer)}</code>`,
    escapeHtml(c.sans.join(', ')),
    `${escapeHtml(c.keyType)} ${c.keySize}`,
    c.daysToExpiry < 30 ? `<span class="regressed">${c.daysToExpiry}</span>` : String(c.daysToExpiry),
  ]);
  return `<h4>Certificates</h4>${dataTable(['Role', 'Subject', 'Issuer', 'SANs', 'Key', '#Days to expiry'], rows)}`;
}

export async function tlsMetricsHtml(m: TlsMetrics & TlsHandshakeFigures): Promise<string> {
  const negotiated = (m.negotiated ?? [])
    .map((n) => `<code>${escapeHtml(n.version)}</code> <code>${escapeHtml(n.cipher)}</code>`)
    .join(', ');
  const tiles = [
    metricTile('Handshakes / s', formatNumber(m.handshakes_per_s, 0)),
    metricTile('Handshake p50', ms(m.p50_ms)),
    metricTile('Handshake p99', ms(m.p99_ms)),
    metricTile('Concurrency', String(m.concurrency)),
  ];
  return `<h3>TLS</h3>
<div class="metrics-row">${tiles.join('')}</div>
${negotiated ? `<p class="note">Negotiated: ${negotiated}</p>` : ''}
${inlineSvg(await tlsHandshakeChart(m))}
${certificates(m)}`;
}

export async function pubsubMetricsHtml(m: PubsubMetrics): Promise<string> {
  const latency = m.latency_ms;
  if (!latency) return '';
  const tiles = [
    metricTile('Latency p50', ms(latency.p50)),
    metricTile('Latency p99', ms(latency.p99)),
    metricTile('Latency max', ms(latency.max)),
  ];
  return `<h3>Pub/sub</h3>
<p class="note">Round trips publish → subscriber on another node, through the balancer.</p>
<div class="metrics-row">${tiles.join('')}</div>
${inlineSvg(await pubsubLatencyChart(m))}`;
}
