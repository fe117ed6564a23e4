import { describe, expect, test } from '@jest/globals';
import { DEFAULT_CRITERIA, evaluate, minimumClients } from './evaluate.js';

const even = { node1: 1 / 3, node2: 1 / 3, node3: 1 / 3 };

describe('no verdict on no data', () => {
  test('0 / 0 / 0 connections is not "balanced": no fit, the cause in the verdict, report-only or not', () => {
    for (const reportOnly of [false, true]) {
      const ev = evaluate({
        algorithm: 'roundrobin',
        counts: { node1: 0, node2: 0, node3: 0 },
        shares: even,
        criteria: DEFAULT_CRITERIA,
        reportOnly,
      });
      expect(ev.fits).toBe(false);
      expect(ev.noData).toMatch(/^no verdict: 0 client\(s\) connected .* at least 15 needed/);
      expect(ev.metrics.verdict).toBe(ev.noData);
    }
  });

  test('a handful of clients is too few; the minimum grows with the nodes that should get clients', () => {
    expect(minimumClients(even)).toBe(15);
    expect(minimumClients({ node1: 1, node2: 0, node3: 0 })).toBe(10);
    const few = evaluate({
      algorithm: 'roundrobin',
      counts: { node1: 2, node2: 2, node3: 2 },
      shares: even,
      criteria: DEFAULT_CRITERIA,
    });
    expect(few.noData).toBeDefined();
    const enough = evaluate({
      algorithm: 'roundrobin',
      counts: { node1: 5, node2: 5, node3: 5 },
      shares: even,
      criteria: DEFAULT_CRITERIA,
    });
    expect(enough).toMatchObject({ fits: true, noData: undefined });
  });
});
