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
  test('withTimeout rejects a promise that never settles', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, 'forever')).rejects.toBeInstanceOf(TimeoutError);
  });
});
