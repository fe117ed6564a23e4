import { describe, expect, test } from '@jest/globals';
import { chiSquare, coefficientOfVariation, fairnessStats, jainIndex, maxOverMean, normalizeShares } from './stats.js';

const even = { node1: 1, node2: 1, node3: 1 };

describe('fairness metrics (haproxy-mqtt.md §8)', () => {
  test('the worked example 350/330/320: χ² 1.4, p 0.50, J 0.9986, CV 0.037, R 1.05', () => {
    const s = fairnessStats({ node1: 350, node2: 330, node3: 320 }, even);
    expect(s.chi2).toBeCloseTo(1.4, 6);
    expect(s.df).toBe(2);
    expect(s.pValue).toBeCloseTo(Math.exp(-1.4 / 2), 6); // df 2: p = e^(−χ²/2) = 0.4966
    expect(s.pValue.toFixed(2)).toBe('0.50');
    expect(s.jain).toBeCloseTo(0.9986, 4);
    expect(s.cv).toBeCloseTo(0.037, 3);
    expect(s.maxMean).toBeCloseTo(1.05, 2);
    expect(s.jain).toBeCloseTo(1 / (1 + s.cv ** 2), 10); // J = 1/(1+CV²)
  });

  test('everything on one node: J = 1/n, χ² huge, p ≈ 0', () => {
    const s = fairnessStats({ node1: 300, node2: 0, node3: 0 }, even);
    expect(s.jain).toBeCloseTo(1 / 3, 10);
    expect(s.maxMean).toBeCloseTo(3, 10);
    expect(s.chi2).toBeCloseTo(600, 6);
    expect(s.pValue).toBeLessThan(1e-100);
  });

  test('weights 1:2:3 with a proportional spread score as perfectly fair (normalised allocations)', () => {
    const s = fairnessStats({ node1: 50, node2: 100, node3: 150 }, { node1: 1, node2: 2, node3: 3 });
    expect(s.jain).toBeCloseTo(1, 10);
    expect(s.cv).toBeCloseTo(0, 10);
    expect(s.chi2).toBeCloseTo(0, 10);
    expect(s.pValue).toBeCloseTo(1, 10);
  });

  test('an even spread judged against 1:2:3 is unfair', () => {
    const s = fairnessStats({ node1: 100, node2: 100, node3: 100 }, { node1: 1, node2: 2, node3: 3 });
    expect(s.jain).toBeLessThan(0.85);
    expect(s.pValue).toBeLessThan(0.001);
  });

  test('a node with share 0 (DOWN) is left out of the indices; clients on it are counted as unexpected', () => {
    const s = fairnessStats({ node1: 100, node2: 100, node3: 4 }, { node1: 1, node2: 1, node3: 0 });
    expect(s.jain).toBeCloseTo(1, 10);
    expect(s.df).toBe(1);
    expect(s.unexpected).toBe(4);
  });

  test('p-value for df 1 matches the normal tail: χ² 3.841 → p 0.05', () => {
    expect(chiSquare([60, 40], [50, 50]).chi2).toBeCloseTo(4, 10);
    expect(chiSquare([1, 1], [1, 1]).pValue).toBeCloseTo(1, 10);
    // χ²(1) critical value at α = 0.05
    const p = chiSquare([50 + Math.sqrt(3.841459 * 25), 50 - Math.sqrt(3.841459 * 25)], [50, 50]).pValue;
    expect(p).toBeCloseTo(0.05, 4);
  });

  test('building blocks', () => {
    expect(jainIndex([0, 0, 0])).toBe(1);
    expect(coefficientOfVariation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2 / 5, 10);
    expect(maxOverMean([1, 1, 4])).toBeCloseTo(2, 10);
    expect(normalizeShares({ a: 1, b: 3 })).toEqual({ a: 0.25, b: 0.75 });
    expect(() => normalizeShares({ a: 0 })).toThrow(/no positive weight/);
  });
});
