/**
 * The suite recorder: metrics typed by the suite's schema (a wrong shape is a compile error, checked by tsc through
 * the @ts-expect-error lines below) and validated as they are recorded; custom suites record any JSON object.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SuiteRecorder } from './records.js';
import { suiteRecordSchemaOf } from '../results/schema.js';
import type { BuiltInSuite } from '../results/metrics.js';
import type { SuiteName } from '../profile/schema.js';

/** Compile-time: every suite of the profile has a metrics schema, and every metrics schema is a suite's. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const suitesAgree: Same<SuiteName, BuiltInSuite> = true;

const scenario = { detection_ms: 1200, reconnect_p99_ms: 900, lost: 0, duplicated: 0 };

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'records-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SuiteRecorder', () => {
  test('has a metrics schema for each built-in suite', () => {
    expect(suitesAgree).toBe(true);
  });

  test('writes <suite>.json that its schema reads back', () =>
    withDir((dir) => {
      const r = new SuiteRecorder('failover', 'demo', dir);
      r.metric('scenarios', { kill: scenario });
      r.addFinding('failover › kill', { severity: 'info', title: 'seen' });
      r.skip('pause', 'needs pause');
      const written: unknown = JSON.parse(readFileSync(path.join(dir, 'failover.json'), 'utf8'));
      expect(suiteRecordSchemaOf('failover').parse(written)).toMatchObject({
        metrics: { scenarios: { kill: scenario } },
        skipReasons: { pause: 'needs pause' },
      });
    }));

  test('a wrongly shaped metric does not compile, and is refused with its path when forced', () => {
    const failover = new SuiteRecorder('failover', 'demo', undefined);
    const tls = new SuiteRecorder('tls', 'demo', undefined);
    expect(() =>
      // @ts-expect-error detection_ms is a number or null
      failover.metric('scenarios', { kill: { ...scenario, detection_ms: 'slow' } }),
    ).toThrow('results of suite failover: metrics.scenarios.kill.detection_ms: expected number, received string');
    // @ts-expect-error p99_ms is a number
    expect(() => tls.metric('p99_ms', '12')).toThrow('metrics.p99_ms: expected number, received string');
    // @ts-expect-error tls has no such metric (the key is typed too; unknown keys are dropped by the schema)
    tls.metric('no_such_metric', 1);
    expect(failover.record.metrics.scenarios).toBeUndefined();
  });

  test('a finding of the wrong shape is refused before it is recorded', () => {
    const r = new SuiteRecorder('pubsub', 'demo', undefined);
    // @ts-expect-error severity is error, warning or info
    expect(() => r.addFinding('t', { severity: 'fatal', title: 'x' })).toThrow('findings.t.severity');
    expect(r.record.findings).toEqual({});
  });

  test("a custom suite's metrics are any JSON under string keys", () =>
    withDir((dir) => {
      const r = new SuiteRecorder('my-check', 'demo', dir);
      r.metric('rounds', [{ ms: 3, ok: true }, { ms: null }]);
      r.metric('note', 'free text');
      const written = JSON.parse(readFileSync(path.join(dir, 'my-check.json'), 'utf8')) as { metrics: unknown };
      expect(written.metrics).toEqual({ rounds: [{ ms: 3, ok: true }, { ms: null }], note: 'free text' });
    }));
});
