/** summary.json read back through the schema: a corrupt baseline names the field, older and custom-suite files parse. */
import { describe, expect, test } from '@jest/globals';
import { parseSummaryFile, summaryFileContent } from './summary-file.js';
import { sourceSummary } from '../../test/helpers/report-fixtures.js';
import type { Summary } from './summary-types.js';

const BASELINE = 'baseline reports/x/summary.json';

type Loose = Record<string, unknown>;

/** The failover scenario of the fixture, open to wrong shapes. */
const kill = (s: Summary): Loose => s.metrics.failover!.scenarios!['kill-node2']!;

/** A summary as JSON, changed by `edit` on its parsed form (the way a corrupt or older file differs). */
function jsonWith(edit: (s: Summary) => void): string {
  const s = JSON.parse(JSON.stringify(sourceSummary())) as Summary;
  edit(s);
  return JSON.stringify(s);
}

describe('parseSummaryFile', () => {
  test('a corrupt baseline fails with the zod path of the field', () => {
    const text = jsonWith((s) => (kill(s).detection_ms = '6000'));
    expect(() => parseSummaryFile(text, BASELINE)).toThrow(
      `${BASELINE}: metrics.failover.scenarios.kill-node2.detection_ms: expected number, received string`,
    );
    const bundle = JSON.stringify({
      schema: 1,
      runs: [JSON.parse(jsonWith((s) => ((s.totals as Loose).failed = 'one')))],
    });
    expect(() => parseSummaryFile(bundle, BASELINE)).toThrow(
      `${BASELINE}: runs.0.totals.failed: expected number, received string`,
    );
    expect(() => parseSummaryFile('{"schema":1', BASELINE)).toThrow(`${BASELINE}: not JSON`);
  });

  test('an older summary parses: optional fields absent, fields this harness does not know ignored', () => {
    const text = jsonWith((s) => {
      delete s.deployment;
      delete kill(s).series;
      delete kill(s).timeline;
      s.metrics.pubsub = { latency_ms: { p50: 3, p99: 9, max: 12 } };
      (s.metrics.pubsub as Loose).retired_figure = 1;
      (s.suites.fairness!.tests[0] as Loose).retired_field = true;
    });
    const [summary] = parseSummaryFile(text, BASELINE);
    expect(summary!.metrics.pubsub?.latency_ms).toEqual({ p50: 3, p99: 9, max: 12 });
    expect(summary!.metrics.failover?.scenarios?.['kill-node2']?.detection_ms).toBe(6000);
  });

  test("a custom suite's metrics are any JSON object; anything else is refused", () => {
    const custom = { rounds: [1, 2], nested: { ok: true, note: null }, connect_phases: { clients: 1 } };
    const [summary] = parseSummaryFile(
      jsonWith((s) => (s.metrics['my-check'] = custom)),
      BASELINE,
    );
    expect(summary!.metrics['my-check']).toEqual(custom);
    expect(() =>
      parseSummaryFile(
        jsonWith((s) => (s.metrics['my-check'] = 3)),
        BASELINE,
      ),
    ).toThrow(`${BASELINE}: metrics.my-check: expected record, received number`);
  });
});

describe('summaryFileContent', () => {
  test('validates what it returns for summary.json', () => {
    expect(summaryFileContent([sourceSummary()])).toMatchObject({ schema: 1 });
    const bad = sourceSummary();
    (bad.run as Record<string, unknown>).id = 42;
    expect(() => summaryFileContent([sourceSummary(), bad])).toThrow(
      'summary.json: runs.1.run.id: expected string, received number',
    );
  });
});
