/**
 * The profile page's connection phases: a table and a histogram per suite from `metrics.<suite>.connect_phases`,
 * built from phases recorded by ConnectPhaseHistograms (as the client pool records them), never dumped as JSON.
 */
import { describe, expect, test } from '@jest/globals';
import { ConnectPhaseHistograms } from '../metrics/connect-phases.js';
import { connectPhaseBars, connectPhasesChart } from './charts/connect-phases-chart.js';
import { renderProfilePage } from './html/profile-page.js';
import { connectPhasesBySuite } from '../results/schema.js';
import type { ConnectPhasesMetrics, Summary } from './summary-types.js';
import { roundrobinSummary } from '../../test/helpers/report-fixtures.js';

/** A suite's phases as a TLS run records them: 5 clients, one refused by the client (no TLS, no CONNACK). */
function tlsPhases(): ConnectPhasesMetrics {
  const h = new ConnectPhaseHistograms();
  h.clients = 5;
  h.attempts = 5;
  h.transports.add('tls');
  for (const v of [3.1, 4.3, 4.4, 6.2, 7.17]) h.record('tcp', v);
  for (const v of [1.2, 1.45, 2.9, 5.25]) h.record('tls', v);
  for (const v of [11.8, 16.59, 24.1, 67.9]) h.record('connack', v);
  for (const v of [3.1, 6.77]) h.record('suback', v);
  return h.summary();
}

function wsPhases(): ConnectPhasesMetrics {
  const h = new ConnectPhaseHistograms();
  h.clients = 2;
  h.attempts = 2;
  h.transports.add('ws');
  for (const v of [0.9, 1.7]) h.record('tcp', v);
  for (const v of [2.2, 3.4]) h.record('ws_upgrade', v);
  for (const v of [8.8, 9.6]) h.record('connack', v);
  return h.summary();
}

function withPhases(): Summary {
  const s = roundrobinSummary();
  s.metrics.tls = { ...s.metrics.tls, connect_phases: tlsPhases() };
  s.metrics.keepalive = {
    connect_phases: wsPhases(),
    static: {
      keepalive_s: 60,
      factor: 1.5,
      effective_idle_ms: 300_000,
      required_ms: 90_000,
      line: 12,
      transports: ['ws'],
      ok: true,
    },
  };
  return s;
}

describe('connection phases in the report', () => {
  test('metrics access: every suite that has connect_phases, in order; junk ignored', () => {
    const s = withPhases();
    (s.metrics as Record<string, unknown>).fairness = { ...s.metrics.fairness, connect_phases: { attempts: 'x' } };
    expect(Object.keys(connectPhasesBySuite(s.metrics))).toEqual(['pubsub', 'tls', 'keepalive']);
  });

  test('chart bars: the union of the phases buckets, in connection order, zero where a phase has none', () => {
    const bars = connectPhaseBars(tlsPhases());
    expect([...new Set(bars.map((b) => b.phase))]).toEqual(['TCP connect', 'TLS handshake', 'CONNACK', 'SUBACK']);
    expect(bars.filter((b) => b.phase === 'TLS handshake').reduce((a, b) => a + b.count, 0)).toBe(4);
    expect(bars.find((b) => b.phase === 'CONNACK' && b.le_ms === 2)?.count).toBe(0);
  });

  test('a chart per suite with the phases as legend, and no external reference', async () => {
    const svg = await connectPhasesChart(tlsPhases(), 'tls');
    expect(svg.startsWith('<svg')).toBe(true);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    expect(texts).toEqual(expect.arrayContaining(['Connection phases — tls', 'TLS handshake', 'CONNACK', '≤ 5 ms']));
    expect(svg.replace(/\sxmlns(:\w+)?="[^"]*"/g, '')).not.toMatch(/https?:|<image|<script|href="(?!#)/);
  });

  test('profile page: a table per suite (p50/p99/max per phase), a chart, the WebSocket upgrade, no JSON dump', async () => {
    const html = await renderProfilePage(withPhases());
    const section = html.slice(html.indexOf('<h3>Connection phases</h3>'));
    expect(section).toMatch(/<h4 id="connect-phases-tls">tls<\/h4>/);
    expect(section).toMatch(/<h4 id="connect-phases-keepalive">keepalive<\/h4>/);
    const tlsRow = section.match(/<tr><td>TLS handshake<\/td>.*?<\/tr>/)?.[0] ?? '';
    expect(tlsRow.replace(/<[^>]*>/g, ' ')).toMatch(/ 4 +1\.45 ms +5\.25 ms +5\.25 ms/);
    expect(section).toMatch(/<tr><td>WebSocket upgrade<\/td>/);
    expect(section).toMatch(/1 of 5 connection attempts got no CONNACK/);
    expect(section.match(/<div class="chart"><svg/g)).toHaveLength(3); // pubsub, tls, keepalive
    // The rest of a suite's unknown metrics stays as JSON; the phases do not.
    expect(html).toMatch(/<summary>metrics\.keepalive<\/summary><pre>[^<]*effective_idle_ms/);
    expect(html).not.toMatch(/<pre>[^<]*connect_phases/);
  });
});
