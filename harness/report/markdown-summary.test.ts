import { describe, expect, test } from '@jest/globals';
import { compareToBaseline } from './baseline.js';
import { cellText, renderMarkdownSummary } from './markdown-summary.js';
import type { FailoverMetrics, FairnessMetrics } from './summary-types.js';
import { roundrobinSummary, sourceSummary } from '../../test/helpers/report-fixtures.js';

describe('renderMarkdownSummary', () => {
  const md = renderMarkdownSummary([roundrobinSummary(), sourceSummary()], { reportPath: 'reports/latest/index.html' });

  test('verdict and totals first', () => {
    expect(md.split('\n')[0]).toBe('## MQTT load-balancer test run: ❌ FAILED');
    expect(md).toContain('11 passed · 1 failed · 2 skipped · 2 profiles');
  });

  test('a table row per profile, a cell per suite with passed / failed / skipped counts', () => {
    expect(md).toContain(
      '| Profile | Verdict | pubsub | tls | failover | fairness |\n| --- | --- | --- | --- | --- | --- |',
    );
    expect(md).toContain(
      '| **haproxy-roundrobin** | ✅ PASSED | ✅ 2 / 0 / 1 | ✅ 2 / 0 / 0 | ✅ 1 / 0 / 0 | ✅ 1 / 0 / 0 |',
    );
    expect(md).toContain(
      '| **haproxy-source** | ❌ FAILED | ✅ 2 / 0 / 1 | ✅ 2 / 0 / 0 | ✅ 1 / 0 / 0 | ❌ 0 / 1 / 0 |',
    );
  });

  test('top findings: errors first, with the config file:line and the line as run, and the test', () => {
    const rows = md.split('\n').filter((l) => /^\| (❌ error|⚠️ warning) \|/.test(l));
    expect(rows).toEqual([
      '| ❌ error | All 300 clients landed on node1 (Jain index 0.33) | `haproxy.cfg:23` `balance source` | haproxy-source › fairness › connections spread evenly (failed) |',
      '| ⚠️ warning | node2 was marked DOWN 6.0 s after the kill | `haproxy.cfg:26` `server emqx2 10.20.0.12:1883 check inter 2s fall 3 rise 2` | haproxy-source › failover › kill node2: clients reconnect within 5 s (passed) |',
    ]);
    expect(md).toContain('HTML report: `reports/latest/index.html`');
    expect(md).not.toContain('Regressions');
  });

  test('a failed test without findings of its own still lists its assertion as an error', () => {
    const s = roundrobinSummary();
    s.suites.pubsub!.tests[0] = {
      ...s.suites.pubsub!.tests[0]!,
      status: 'failed',
      failureMessages: ['\u001b[31mexpect(received).toBeDefined()\u001b[39m\n\nReceived: undefined'],
    };
    const out = renderMarkdownSummary([s]);
    expect(out).toContain(
      '| ❌ error | expect(received).toBeDefined() — Received: undefined | — | haproxy-roundrobin › pubsub › QoS 1 messages cross nodes (failed) |',
    );
    expect(out).not.toContain('\u001b');
  });

  test('regressions against the baseline, per profile', () => {
    const before = sourceSummary();
    before.suites.fairness!.tests[0]!.status = 'passed';
    const now = sourceSummary();
    const out = renderMarkdownSummary([roundrobinSummary(), now], {
      baselineFile: 'last-night/summary.json',
      baselines: { 'haproxy-source': compareToBaseline(now, before) },
    });
    expect(out).toContain('### Regressions against the baseline `last-night/summary.json`');
    expect(out).toContain('- **haproxy-roundrobin**: not in the baseline (not compared)');
    expect(out).toMatch(/- \*\*haproxy-source\*\*: ❌ \d+ regression\(s\) vs run `run-haproxy-source`/);
    expect(out).toContain('  - test fairness › fairness › connections spread evenly: passed → failed');
  });

  test('connection phases: p50 / p99 (samples) per suite and phase, columns for the phases measured', () => {
    expect(md).toContain(
      '| Profile | Suite | Transports | Attempts | TCP connect | CONNACK | SUBACK |\n| --- | --- | --- | ---: | ---: | ---: | ---: |',
    );
    expect(md).toContain(
      '| **haproxy-roundrobin** | pubsub | tcp | 24 | 3.20 / 11.6 (n 24) | 16.2 / 134.2 (n 24) | 10.2 / 35.7 (n 9) |',
    );
    expect(md.indexOf('### Connect phases')).toBeGreaterThan(md.indexOf('### Top findings'));
  });

  test('the baseline section counts judged and informational comparisons and lists the informational ones', () => {
    const before = roundrobinSummary();
    const now = roundrobinSummary();
    const fair = (s: typeof now) =>
      (s.metrics.fairness as { scenarios: Record<string, FairnessMetrics> }).scenarios.roundrobin!;
    fair(before).verdict = 'report only';
    fair(now).verdict = 'report only';
    fair(now).jain = 0.5;
    const out = renderMarkdownSummary([now], {
      baselineFile: 'b.json',
      baselines: { 'haproxy-roundrobin': compareToBaseline(now, before) },
    });
    expect(out).toMatch(
      /- \*\*haproxy-roundrobin\*\*: no regressions \(0 status change\(s\); \d+ metric\(s\) judged, \d+ informational \(not judged\)\)/,
    );
    expect(out).toContain('| Profile | Metric | Baseline | Now | Why not judged |');
    expect(out).toContain(
      '| haproxy-roundrobin | fairness › roundrobin › jain | 0.9999 | 0.5 | report-only scenario: the suite does not assert its spread |',
    );
    expect(out).toContain('| haproxy-roundrobin | pubsub › connect phases › CONNACK p99 | 134.2 | 134.2 |');
  });

  test('a judged metric regression names its tolerance', () => {
    const before = roundrobinSummary();
    const now = roundrobinSummary();
    const fo = (s: typeof now) =>
      (s.metrics.failover as { scenarios: Record<string, FailoverMetrics> }).scenarios['kill-node2']!;
    fo(before).detection_ms = 2000;
    fo(now).detection_ms = 9000;
    const out = renderMarkdownSummary([now], {
      baselineFile: 'b.json',
      baselines: { 'haproxy-roundrobin': compareToBaseline(now, before) },
    });
    expect(out).toMatch(
      / {2}- metric `metrics\.failover\.scenarios\.kill-node2\.detection_ms`: 2000 → 9000 \(higher is worse; worse by more than \d+ ms\)/,
    );
  });

  test('table cells stay one line with pipes escaped', () => {
    expect(cellText('a | b\n  c <d>')).toBe('a \\| b c &lt;d&gt;');
  });
});
