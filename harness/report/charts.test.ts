import { describe, expect, test } from '@jest/globals';
import { fairnessBars, fairnessChart } from './charts/fairness-chart.js';
import { failoverTimelineChart, placeEventLabels, reconnectHistogramChart } from './charts/failover-charts.js';
import { pubsubLatencyChart, tlsHandshakeChart } from './charts/latency-charts.js';
import { failoverMetrics, fairnessMetrics, tlsMetrics } from '../../test/helpers/metric-fixtures.js';

/** Every attribute and style in an SVG; no URL may appear there (namespace declarations aside). */
function externalReferences(svg: string): string[] {
  const withoutNamespaces = svg.replace(/\sxmlns(:\w+)?="[^"]*"/g, '');
  const tags = withoutNamespaces.match(/<[^>]*>/g) ?? [];
  return tags.filter((tag) => /https?:|url\((?!#)|href="(?!#)|<image|<script|<foreignObject/i.test(tag));
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('charts', () => {
  test('fairness: grouped bars with observed, expected and balancer values, titled and labelled', async () => {
    const m = fairnessMetrics({ node1: 300, node2: 0, node3: 0 }, 'source', 0.333);
    expect(
      fairnessBars(m)
        .filter((b) => b.series === 'Expected')
        .map((b) => b.value),
    ).toEqual([100, 100, 100]);
    const svg = await fairnessChart(m, 'source');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(externalReferences(svg)).toEqual([]);
    const labels = texts(svg);
    expect(labels).toEqual(
      expect.arrayContaining([
        'Connections per node — source',
        'Connections (count)',
        'node1',
        'node3',
        'Observed',
        'Expected',
        'Balancer counter',
        '300',
      ]),
    );
    expect(svg.match(/role-mark[^"]*"/g)?.length).toBeGreaterThan(0);
  });

  test('failover timeline: a line per node and a labelled marker per event', async () => {
    const svg = await failoverTimelineChart(failoverMetrics(2400), 'kill-node2');
    expect(externalReferences(svg)).toEqual([]);
    const labels = texts(svg);
    for (const expected of [
      'fault node2 3.0 s',
      'marked-down node2 5.4 s',
      'reconnected 6.9 s',
      'marked-up node2 10.5 s',
      'Time since scenario start (s)',
      'Live connections (count)',
      'node1',
      'node2',
      'node3',
    ]) {
      expect(labels).toContain(expected);
    }
    expect(svg.match(/<path[^>]*class="[^"]*"?/g)).not.toBeNull();
  });

  test('event labels that would collide go to separate rows; labels near the right edge turn left', () => {
    const placed = placeEventLabels(
      [
        { t: 3000, kind: 'fault', node: 'node2' },
        { t: 3100, kind: 'marked-down', node: 'node2' },
        { t: 9000, kind: 'reconnected' },
        { t: 11_900, kind: 'marked-up', node: 'node2' },
      ],
      12,
    );
    expect(placed.map((p) => p.row)).toEqual([0, 1, 0, 1]);
    expect(placed.map((p) => p.align)).toEqual(['left', 'left', 'left', 'right']);
  });

  test('histograms: reconnect, TLS handshake and pub/sub latency with percentile markers', async () => {
    const reconnect = await reconnectHistogramChart(failoverMetrics(2400), 'kill-node2');
    const tls = await tlsHandshakeChart(tlsMetrics(38, 820));
    const pubsub = await pubsubLatencyChart({
      latency_ms: { p50: 2.1, p99: 9.8, max: 14, samples: [1, 2, 2, 3, 9.8, 14] },
    });
    for (const svg of [reconnect, tls, pubsub]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(externalReferences(svg)).toEqual([]);
      expect(texts(svg)).toContain('Count');
    }
    expect(texts(tls)).toEqual(
      expect.arrayContaining(['TLS handshake latency', 'Handshake latency (ms)', 'p50 15 ms', 'p99 38 ms']),
    );
    expect(texts(pubsub)).toEqual(expect.arrayContaining(['Pub/sub cross-node latency', 'p50 2.1 ms', 'p99 9.8 ms']));
    expect(texts(reconnect)).toContain('Reconnect time per client (ms)');
  });

  test('element ids are unique per chart, so several charts can share one HTML page', async () => {
    const m = fairnessMetrics({ node1: 300, node2: 0, node3: 0 }, 'source', 0.333);
    const [a, b] = [await fairnessChart(m), await fairnessChart(m)];
    const ids = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((x) => x[1]!);
    expect(ids(a).length).toBeGreaterThan(0);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    for (const ref of a.matchAll(/url\(#([^)]+)\)/g)) expect(ids(a)).toContain(ref[1]);
  });

  test('no data, no chart', async () => {
    const empty = failoverMetrics(2400);
    empty.timeline = { samples: [], events: [] };
    empty.reconnect_ms = [];
    expect(await failoverTimelineChart(empty)).toBe('');
    expect(await reconnectHistogramChart(empty)).toBe('');
    expect(await fairnessChart({ ...fairnessMetrics({}, 'roundrobin', 1), expectedShares: {} })).toBe('');
    expect(await tlsHandshakeChart({ ...tlsMetrics(38, 820), latencies_ms: undefined })).toBe('');
    expect(await pubsubLatencyChart({})).toBe('');
  });
});
