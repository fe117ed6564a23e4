/** PeriodicLoop: the observers' background loop ends at its tick bound, its time bound or stop(), and keeps its pace. */
import { describe, expect, test } from '@jest/globals';
import { PeriodicLoop } from './periodic.js';
import { delay, waitFor } from './wait.js';

describe('PeriodicLoop', () => {
  test('stops by itself after maxTicks, passing each tick its index', async () => {
    const seen: number[] = [];
    const loop = new PeriodicLoop((i) => void seen.push(i), { intervalMs: 1, maxTicks: 5 });
    loop.start();
    expect(loop.running).toBe(true);
    await waitFor(() => !loop.running, { timeoutMs: 2000, intervalMs: 5, what: 'the loop to end' });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(loop.ticks).toBe(5);
    await loop.stop();
  });

  test('stops by itself after maxMs even when maxTicks is far off', async () => {
    const loop = new PeriodicLoop(() => undefined, { intervalMs: 10, maxTicks: 1_000_000, maxMs: 100 });
    const t0 = Date.now();
    loop.start();
    await waitFor(() => !loop.running, { timeoutMs: 2000, intervalMs: 5, what: 'the loop to end' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(loop.ticks).toBeGreaterThan(0);
    expect(loop.ticks).toBeLessThanOrEqual(11);
  });

  test('stop() ends the loop and waits for the tick in progress', async () => {
    let inTick = false;
    const loop = new PeriodicLoop(
      async () => {
        inTick = true;
        await delay(30);
        inTick = false;
      },
      { intervalMs: 1, maxTicks: 1000 },
    );
    loop.start();
    await waitFor(() => inTick, { timeoutMs: 2000, intervalMs: 1, what: 'a tick in progress' });
    await loop.stop();
    expect(inTick).toBe(false);
    expect(loop.running).toBe(false);
    const after = loop.ticks;
    await delay(50);
    expect(loop.ticks).toBe(after);
  });

  test("a tick's own time counts towards the period; a tick longer than the period is followed at once", async () => {
    // The pause the loop chose, read by the next tick: decided from the measured tick time, so a busy machine (late
    // timers) cannot move it, as it moves wall-clock gaps.
    const pauses: number[] = [];
    let loop: PeriodicLoop | undefined = undefined;
    loop = new PeriodicLoop(
      async (i) => {
        if (i > 0) pauses.push(loop!.lastPauseMs);
        await delay(i === 1 ? 120 : 40);
      },
      { intervalMs: 60, maxTicks: 3 },
    );
    loop.start();
    await waitFor(() => !loop.running, { timeoutMs: 3000, intervalMs: 5, what: 'the loop to end' });
    // After a 40 ms tick: the rest of the 60 ms period (≤ 20 ms), not the full period.
    expect(pauses[0]).toBeGreaterThanOrEqual(1);
    expect(pauses[0]).toBeLessThanOrEqual(20);
    // After a 120 ms tick: the next one follows at once (the 1 ms floor).
    expect(pauses[1]).toBe(1);
  });

  test('start() while running does not start a second loop', async () => {
    let ticks = 0;
    const loop = new PeriodicLoop(() => void ticks++, { intervalMs: 20, maxTicks: 3 });
    loop.start();
    loop.start();
    await waitFor(() => !loop.running, { timeoutMs: 2000, intervalMs: 5, what: 'the loop to end' });
    expect(ticks).toBe(3);
  });
});
