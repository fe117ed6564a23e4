/**
 * The cause of a failed test in one line, from its assertion message: ANSI stripped, the first meaningful line
 * (and, for an `expect(…)` matcher line, the Expected/Received lines that say what was wrong).
 */
import type { Finding, TestResult } from './summary-types.js';
import { stripAnsi } from './text.js';

const NOISE = /^(at |\s*$|●|\d+ \|| *\||> *\d+ \|)/;

export function failureHeadline(messages: readonly string[] | undefined): string | undefined {
  const lines = stripAnsi((messages ?? []).join('\n'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => !NOISE.test(l));
  const first = lines[0]?.replace(/^(Error|AssertionError|thrown):\s*/, '');
  if (!first) return undefined;
  if (!/^expect\(/.test(first)) return first.length > 300 ? `${first.slice(0, 297)}…` : first;
  const said = lines.filter((l) => /^(Expected|Received)( value| length| array| object)?:/.test(l)).slice(0, 2);
  const headline = said.length ? `${first} — ${said.join('; ')}` : first;
  return headline.length > 300 ? `${headline.slice(0, 297)}…` : headline;
}

/** A failed test's error findings; when it has none, one derived from its assertion message. */
export function errorFindingsOf(test: TestResult): Finding[] {
  const own = (test.findings ?? []).filter((f) => f.severity === 'error');
  if (test.status !== 'failed' || own.length > 0) return own;
  return [
    {
      severity: 'error',
      title: failureHeadline(test.failureMessages) ?? 'the test failed without a message',
      detail: 'Derived from the assertion message: the test recorded no finding of its own.',
    },
  ];
}
