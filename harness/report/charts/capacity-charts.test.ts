import { describe, expect, test } from '@jest/globals';
import { capacityLatencyChart, capacityNodesChart } from './capacity-charts.js';

describe('capacity charts', () => {
  test('connections per node over time and CONNACK percentiles vs connections held render; nothing without data', async () => {
    const m = {
      steps: [
        { connected: 50, connack_p50_ms: 3, connack_p99_ms: 9 },
        { connected: 100, connack_p50_ms: 4, connack_p99_ms: 12 },
        { connected: 150, connack_p50_ms: null, connack_p99_ms: null },
      ],
      nodes_over_time: [
        { t_s: 1, nodes: { node1: 17, node2: 17, node3: 16 } },
        { t_s: 2, nodes: { node1: 34, node2: 33, node3: 33 } },
      ],
      knee: { plateau: 150 },
    };
    const nodes = await capacityNodesChart(m);
    expect(nodes).toMatch(/^<svg role="img"/);
    expect(nodes).toMatch(/node3/);
    const latency = await capacityLatencyChart(m);
    expect(latency).toMatch(/knee at 150/);
    expect(await capacityNodesChart({})).toBe('');
    expect(await capacityLatencyChart({ steps: [] })).toBe('');
  });
});
