import { describe, expect, test } from '@jest/globals';
import { TimeoutError, waitFor, withTimeout } from './wait.js';

describe('waitFor', () => {
  test('resolves with the first truthy probe value', async () => {
    let n = 0;
    const v = await waitFor(() => (++n >= 3 ? n : undefined), { timeoutMs: 2000, intervalMs: 1, what: 'n' });
    expect(v).toBe(3);
  });
  test('times out naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('nope');
        },
        { timeoutMs: 30, intervalMs: 5, what: 'the thing' },
      ),
    ).rejects.toThrow(/the thing.*nope/);
  });
  test('a probe that never settles ends the wait at its deadline, named as the last state', async () => {
    const started = Date.now();
    await expect(
      waitFor(() => new Promise<boolean>(() => undefined), { timeoutMs: 60, intervalMs: 5, what: 'an ack' }),
    ).rejects.toThrow(/waiting for an ack; last: timed out after \d+ ms waiting for one check of an ack to settle/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
  test('withTimeout rejects a promise that never settles', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, 'forever')).rejects.toBeInstanceOf(TimeoutError);
  });
});
