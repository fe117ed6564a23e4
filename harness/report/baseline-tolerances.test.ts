import { describe, expect, test } from '@jest/globals';
import {
  DEFAULT_TOLERANCES,
  deriveTolerance,
  MEASURED,
  SPREAD_FACTOR,
  toleranceText,
  type MeasuredSpread,
} from './baseline-tolerances.js';

const spread = (values: number[], extra: Partial<MeasuredSpread> = {}): MeasuredSpread => ({
  worse: 'higher',
  unit: 'ms',
  widest: 'kill',
  values,
  floor: 200,
  step: 100,
  ...extra,
});

describe('deriveTolerance', () => {
  test('max pairwise delta × the safety factor, rounded up to the step, with the measured figures as its basis', () => {
    expect(SPREAD_FACTOR).toBe(2);
    expect(deriveTolerance(spread([2443, 1605, 2125, 1972, 1680]))).toEqual({
      worse: 'higher',
      absolute: 1700,
      basis: 'the widest, kill, ranged 1605–2443 ms over 5 runs (max pairwise Δ 838 ms); × 2',
    });
  });

  test('a spread below the floor gets the floor', () => {
    expect(deriveTolerance(spread([1, 1, 1, 1, 1], { worse: 'lower', unit: '', floor: 0.01, step: 0.005 }))).toEqual({
      worse: 'lower',
      absolute: 0.01,
      basis: 'the widest, kill, ranged 1–1 over 5 runs (max pairwise Δ 0); × 2, floor 0.01',
    });
  });

  test('a figure whose tolerance would reach its median is too noisy: informational, with why', () => {
    const t = deriveTolerance(spread([332.03, 113.54, 237.31, 278.02, 1026.56], { floor: 10, step: 10 }));
    expect(t.absolute).toBeUndefined();
    expect(t.informational).toBe('too noisy between runs: kill 113.54–1026.56 ms over 5 runs (median 278.02 ms)');
  });
});

describe('DEFAULT_TOLERANCES', () => {
  test('each judged kind tolerates at least the spread measured over the five runs', () => {
    for (const [kind, m] of Object.entries(MEASURED)) {
      const t = DEFAULT_TOLERANCES[kind as keyof typeof MEASURED];
      if (t.informational) continue;
      const delta = Math.max(...m.values) - Math.min(...m.values);
      expect([kind, t.absolute! >= delta * SPREAD_FACTOR || t.absolute === m.floor]).toEqual([kind, true]);
    }
  });

  test('from the five demo-profile runs: detection and Jain judged, reconnect p99 and connection phases informational', () => {
    expect(DEFAULT_TOLERANCES.detectionMs).toMatchObject({ absolute: 1700 });
    expect(DEFAULT_TOLERANCES.jain).toMatchObject({ absolute: 0.01 });
    for (const kind of [
      'reconnectP99Ms',
      'connectTcpP99Ms',
      'connectTlsP99Ms',
      'connectWsUpgradeP99Ms',
      'connectConnackP99Ms',
      'connectSubackP99Ms',
    ] as const)
      expect([kind, typeof DEFAULT_TOLERANCES[kind].informational]).toEqual([kind, 'string']);
  });

  test('tolerance text', () => {
    expect(toleranceText({ worse: 'higher', absolute: 200, relative: 0.25 }, 'ms')).toBe(
      'worse by more than 200 ms and 25 %',
    );
    expect(toleranceText({ worse: 'lower', absolute: 0.01 }, '')).toBe('worse by more than 0.01');
    expect(toleranceText({ worse: 'lower' }, '')).toBe('any worsening');
  });
});
