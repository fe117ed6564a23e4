/**
 * JUnit XML for CI systems: one <testsuite> per profile × suite, one <testcase> per test, classname "profile.suite".
 * Failure bodies carry the assertion messages and the findings (title, why, file:line, remedy); a suite's scalar
 * metrics are properties of its <testsuite>.
 */
import type { Summary, SuiteResult, TestResult } from './summary-types.js';
import { findingToText } from './finding-text.js';
import { escapeXml, stripAnsi, testFullName } from './text.js';

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
}

function failureBody(test: TestResult): string {
  const parts = (test.failureMessages ?? []).map((m) => stripAnsi(m).trimEnd());
  const findings = test.findings ?? [];
  if (findings.length > 0) parts.push(['Findings:', ...findings.map(findingToText)].join('\n\n'));
  return parts.join('\n\n');
}

function firstLine(text: string): string {
  return (
    stripAnsi(text)
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

function renderTestcase(classname: string, test: TestResult): string {
  const head = `    <testcase${attrs({ classname, name: testFullName(test), time: seconds(test.durationMs) })}`;
  if (test.status === 'skipped') {
    return `${head}>\n      <skipped${attrs({ message: test.skipReason ?? 'skipped' })}/>\n    </testcase>`;
  }
  if (test.status === 'failed') {
    const body = failureBody(test);
    const message = firstLine(test.failureMessages?.[0] ?? '') || test.findings?.[0]?.title || 'failed';
    return `${head}>\n      <failure${attrs({ message, type: 'AssertionError' })}>${escapeXml(body)}</failure>\n    </testcase>`;
  }
  const notes = (test.findings ?? []).map(findingToText).join('\n\n');
  return notes ? `${head}>\n      <system-out>${escapeXml(notes)}</system-out>\n    </testcase>` : `${head}/>`;
}

/** A suite that could not run becomes one errored testcase, so CI does not read it as green. */
function suiteErrorTestcase(classname: string, error: string): string {
  return `    <testcase${attrs({ classname, name: '(suite setup)', time: '0.000' })}>\n      <error${attrs({ message: firstLine(error) || 'suite error', type: 'SuiteError' })}>${escapeXml(stripAnsi(error))}</error>\n    </testcase>`;
}

/** The suite's scalar metrics (metrics.<suite>.<key> a number, string or boolean) as `metric.<key>` properties. */
function metricProperties(summary: Summary, suiteName: string): Record<string, string> {
  const metrics = summary.metrics[suiteName];
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return {};
  return Object.fromEntries(
    Object.entries(metrics)
      .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
      .map(([key, v]) => [`metric.${key}`, String(v)]),
  );
}

function properties(summary: Summary, suiteName: string): string {
  const d = summary.deployment;
  const props: Record<string, string> = {
    profile: summary.run.profile,
    runId: summary.run.id,
    harnessVersion: summary.run.harnessVersion,
  };
  if (d)
    Object.assign(props, {
      runtime: d.runtime,
      broker: `${d.broker.kind} ${d.broker.version}`,
      balancer: `${d.balancer.kind} ${d.balancer.version}`,
    });
  Object.assign(props, metricProperties(summary, suiteName));
  const items = Object.entries(props).map(([name, value]) => `      <property${attrs({ name, value })}/>`);
  return `    <properties>\n${items.join('\n')}\n    </properties>`;
}

function renderTestsuite(summary: Summary, suiteName: string, suite: SuiteResult): string {
  const classname = `${summary.run.profileName}.${suiteName}`;
  const tests = suite.tests;
  const failures = tests.filter((t) => t.status === 'failed').length;
  const skipped = tests.filter((t) => t.status === 'skipped').length;
  const errors = suite.error ? 1 : 0;
  const cases = tests.map((t) => renderTestcase(classname, t));
  if (suite.error) cases.unshift(suiteErrorTestcase(classname, suite.error));
  const head = attrs({
    name: classname,
    tests: tests.length + errors,
    failures,
    errors,
    skipped,
    time: seconds(suite.durationMs),
    timestamp: summary.run.started,
  });
  return `  <testsuite${head}>\n${properties(summary, suiteName)}\n${cases.join('\n')}\n  </testsuite>`;
}

export function renderJunit(summaries: Summary[]): string {
  const suites = summaries.flatMap((summary) =>
    Object.entries(summary.suites).map(([name, suite]) => ({ summary, name, suite })),
  );
  const count = (pick: (s: SuiteResult) => number): number => suites.reduce((n, { suite }) => n + pick(suite), 0);
  const errors = count((s) => (s.error ? 1 : 0));
  const head = attrs({
    name: 'mqtt-lb-harness',
    tests: count((s) => s.tests.length) + errors,
    failures: count((s) => s.tests.filter((t) => t.status === 'failed').length),
    errors,
    skipped: count((s) => s.tests.filter((t) => t.status === 'skipped').length),
    time: seconds(count((s) => s.durationMs)),
  });
  const body = suites.map(({ summary, name, suite }) => renderTestsuite(summary, name, suite));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${head}>\n${body.join('\n')}\n</testsuites>\n`;
}
