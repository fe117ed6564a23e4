/**
 * Test tiers. `npm test` (CI) runs the quick tier; `npm run test:nightly` (MQTT_LB_TIER=nightly) also runs the long
 * cases that repeat what a quick case already proves with another input (more signals, a second run of a profile the
 * suites already run). A nightly case skipped in the quick tier says so in its name.
 */
import { test } from '@jest/globals';

export const NIGHTLY = process.env['MQTT_LB_TIER'] === 'nightly';

/** The reason appended to a nightly case's name when the quick tier skips it. */
export const NIGHTLY_REASON = 'nightly tier: npm run test:nightly';

/** `test` in the nightly tier; in the quick tier a skipped test whose name gives the reason. */
export function nightlyTest(name: string, fn: () => Promise<void>, timeoutMs?: number): void {
  if (NIGHTLY) test(name, fn, timeoutMs);
  else test.skip(nightlyTitle(name), fn);
}

/** Keeps the rows of a `test.each` table that `quick` accepts in the quick tier, every row in the nightly tier. */
export function quickRows<T>(
  rows: readonly T[],
  quick: (row: T, index: number) => boolean,
): { run: T[]; skipped: T[] } {
  if (NIGHTLY) return { run: [...rows], skipped: [] };
  return { run: rows.filter((r, i) => quick(r, i)), skipped: rows.filter((r, i) => !quick(r, i)) };
}

/** Keeps the first row of a `test.each` table in the quick tier, every row in the nightly tier. */
export function quickFirst<T>(rows: readonly T[]): { run: T[]; skipped: T[] } {
  return quickRows(rows, (_, i) => i === 0);
}

/** The name of a nightly row skipped in the quick tier: the `test.each` title with the reason appended. */
export function nightlyTitle(title: string): string {
  return `${title} [${NIGHTLY_REASON}]`;
}
