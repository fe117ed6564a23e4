import { describe, expect, test } from '@jest/globals';
import { failoverSeriesChart } from './charts/failover-series-chart.js';
import { failoverMetrics } from '../../test/helpers/metric-fixtures.js';

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('failover time-series chart', () => {
  const m = failoverMetrics(2400);

  test('panels for messages, latency, connections, loss and server states over one time axis', async () => {
    const svg = await failoverSeriesChart(m.series, 'kill-node2', m.timeline?.events);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(texts(svg)).toEqual(
      expect.arrayContaining([
        'Over time — kill-node2',
        'Messages per second (deliveries): sent dashed, received solid',
        'End-to-end latency per second (ms), all QoS',
        'Live connections per node',
        "Balancer's server state per node",
        'Time since scenario start (s)',
        'kill node2 3.0–12.0 s',
        'QoS 1',
        'node3',
        'DOWN',
      ]),
    );
    expect(
      texts(svg).some((t) => /^Lost \/ duplicated per second \(\d+ lost, \d+ duplicated in total\)$/.test(t)),
    ).toBe(true);
  });

  test('the fault interval is a shaded rect in every panel; state bands are drawn', async () => {
    const svg = await failoverSeriesChart(m.series, 'kill-node2', m.timeline?.events);
    expect((svg.match(/class="mark-rect role-mark fault_interval_marks"/g) ?? []).length).toBe(5);
    expect(svg).toMatch(/class="mark-rect role-mark server_states_marks"[^>]*><path/);
    expect(svg.replace(/\sxmlns(:\w+)?="[^"]*"/g, '')).not.toMatch(/https?:|<script|<image/);
  });

  test('no series (an older summary): no chart', async () => {
    expect(await failoverSeriesChart(undefined)).toBe('');
  });
});
