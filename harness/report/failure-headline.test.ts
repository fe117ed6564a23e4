import { describe, expect, test } from '@jest/globals';
import { failureHeadline } from './failure-headline.js';
import { rankedFindings } from './verdict.js';
import type { Summary, TestResult } from './summary-types.js';

// As Jest writes them into failureMessages (colour codes included).
const TO_BE_DEFINED =
  'Error: \u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBeDefined\u001b[2m()\u001b[22m\n\nReceived: \u001b[31mundefined\u001b[39m\n    at Object.<anonymous> (/work/suites/pubsub.test.ts:203:31)';
const THROWN =
  'Error: timed out after 20000 ms waiting for node counts to show 300 clients\n    at waitFor (/w/harness/util/wait.ts:40:11)';

describe('failure headline', () => {
  test('an expect() failure: the matcher line and what was received, without colour codes', () => {
    expect(failureHeadline([TO_BE_DEFINED])).toBe('expect(received).toBeDefined() — Received: undefined');
  });
  test('a thrown error: its message; nothing for no message', () => {
    expect(failureHeadline([THROWN])).toBe('timed out after 20000 ms waiting for node counts to show 300 clients');
    expect(failureHeadline([])).toBeUndefined();
  });
  test('a failed test without findings still puts an error at the top, before warnings', () => {
    const failed: TestResult = {
      name: 'dashboard frontend',
      path: ['pubsub'],
      status: 'failed',
      durationMs: 5,
      failureMessages: [TO_BE_DEFINED],
      findings: [],
    };
    const warned: TestResult = {
      name: 'keepalive',
      path: [],
      status: 'passed',
      durationMs: 5,
      findings: [{ severity: 'warning', title: 'close to the limit' }],
    };
    const summary = {
      schema: 1,
      run: { id: 'r', started: '', finished: '', harnessVersion: '0', profile: 'p.yaml', profileName: 'p' },
      totals: { passed: 1, failed: 1, skipped: 0 },
      suites: { pubsub: { passed: 1, failed: 1, skipped: 0, durationMs: 10, tests: [warned, failed] } },
      metrics: {},
    } as Summary;
    const ranked = rankedFindings([summary]);
    expect(ranked.map((f) => [f.finding.severity, f.finding.title, f.test])).toEqual([
      ['error', 'expect(received).toBeDefined() — Received: undefined', 'pubsub › dashboard frontend'],
      ['warning', 'close to the limit', 'keepalive'],
    ]);
  });
});
