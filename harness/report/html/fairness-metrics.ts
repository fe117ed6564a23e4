/** Profile page: fairness scenarios (indices, per-node table, grouped-bar chart). */
import { fairnessChart } from '../charts/fairness-chart.js';
import { naturalCompare } from '../charts/render-svg.js';
import type { FairnessMetrics } from '../summary-types.js';
import { escapeHtml, formatNumber } from '../text.js';
import { dataTable, inlineSvg, metricTile } from './components.js';

function perNodeTable(m: FairnessMetrics): string {
  const connected = Object.values(m.counts).reduce((a, b) => a + b, 0);
  const nodes = [...new Set([...Object.keys(m.counts), ...Object.keys(m.expectedShares ?? {})])].sort(naturalCompare);
  const headers = ['Node', '#Observed', '#Expected share', '#Expected count', '#Deviation'];
  if (m.balancerCounts) headers.push('#Balancer counter');
  const rows = nodes.map((node) => {
    const observed = m.counts[node] ?? 0;
    const share = m.expectedShares?.[node] ?? 0;
    const expected = share * connected;
    const deviation =
      expected > 0
        ? `${observed >= expected ? '+' : ''}${formatNumber(((observed - expected) / expected) * 100, 1)} %`
        : '—';
    const row = [
      escapeHtml(node),
      String(observed),
      `${formatNumber(share * 100, 1)} %`,
      formatNumber(expected, 1),
      deviation,
    ];
    if (m.balancerCounts) {
      const counter = m.balancerCounts[node];
      row.push(
        counter === undefined
          ? '—'
          : counter === observed
            ? String(counter)
            : `<span class="regressed">${counter}</span>`,
      );
    }
    return row;
  });
  return dataTable(headers, rows);
}

async function scenario(name: string, m: FairnessMetrics): Promise<string> {
  const unfair = m.jain < 0.95;
  const tiles = [
    metricTile('Jain index (1 = fair)', formatNumber(m.jain, 3), unfair),
    metricTile('Coeff. of variation', formatNumber(m.cv, 3)),
    metricTile('Max / mean', formatNumber(m.maxMean, 2)),
    metricTile('χ²', formatNumber(m.chi2, 2)),
    metricTile('p-value', m.pValue < 0.001 ? '< 0.001' : formatNumber(m.pValue, 3), m.pValue < 0.01),
  ];
  const verdict = m.verdict ? ` · verdict: <b>${escapeHtml(m.verdict)}</b>` : '';
  return `<h3>Fairness — ${escapeHtml(name)}</h3>
<p class="note">Algorithm <code>${escapeHtml(m.algorithm)}</code>, ${m.clients} clients${verdict}. Observed counts come from the nodes’ own API (ground truth); the balancer counter is its own view.</p>
<div class="metrics-row">${tiles.join('')}</div>
<div class="charts">${inlineSvg(await fairnessChart(m, name))}<div class="side">${perNodeTable(m)}</div></div>`;
}

export async function fairnessMetricsHtml(scenarios: Record<string, FairnessMetrics>): Promise<string> {
  const parts = await Promise.all(Object.entries(scenarios).map(([name, m]) => scenario(name, m)));
  return parts.join('');
}
