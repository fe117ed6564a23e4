/** Reconnect delays: a fixed period is constant; full-jitter backoff stays within its doubling, capped ceiling. */
import { describe, expect, test } from '@jest/globals';
import { describePolicy, MQTTJS_DEFAULT_RECONNECT, reconnectDelay } from './reconnect.js';

describe('reconnect policy', () => {
  test('the fixed period ignores the attempt number', () => {
    expect([1, 2, 9].map((n) => reconnectDelay(MQTTJS_DEFAULT_RECONNECT, n))).toEqual([1000, 1000, 1000]);
    expect(describePolicy(MQTTJS_DEFAULT_RECONNECT)).toMatch(/fixed period 1000 ms/);
  });

  test('full jitter: uniform below a ceiling that doubles per attempt up to maxMs', () => {
    const p = { delayMs: 500, backoff: { maxMs: 4000 } };
    const top = (): number => 0.999999;
    expect([1, 2, 3, 4, 5, 40].map((n) => reconnectDelay(p, n, top))).toEqual([499, 999, 1999, 3999, 3999, 3999]);
    expect(reconnectDelay(p, 3, () => 0)).toBe(0);
    expect(reconnectDelay(p, 2, () => 0.5)).toBe(500);
  });
});
