/**
 * Custom suites in `mqtt-lb run`: a user's test file listed in a profile (beside a built-in suite) or given with
 * --suite runs on the profile's deployment, and its tests, finding and metric reach summary.json, junit.xml and the
 * HTML report like a built-in suite's. The fixture suite is fixtures/custom-suites/my-flows.test.ts.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseSummaryFile } from '../../harness/report/index.js';
import type { Summary } from '../../harness/report/summary-types.js';
import { assertBuilt, byName, runCli, type CliResult } from './cli-helpers.js';

assertBuilt('harness/cli/run-command.ts', 'harness/run/run-profile.ts', 'harness/run/jest-config.ts');

const FLOWS = 'fixtures/custom-suites/my-flows.test.ts';
const WARNING = 'A dashboard that connects late sees no reading until the next one';
const DELIVERY = 'a device reading reaches the dashboard through the balancer';

interface Report {
  run: CliResult;
  summary: Summary;
  junit: string;
  index: string;
}

/** `mqtt-lb run <args> --out <temp dir>` and the report it wrote (removed afterwards). */
async function runReport(args: string[]): Promise<Report> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-custom-suite-'));
  try {
    const run = await runCli(['run', ...args, '--out', out], { timeoutMs: 100_000 });
    if (!existsSync(path.join(out, 'summary.json')))
      throw new Error(
        `mqtt-lb run (exit ${run.code}) wrote no summary.json:\n${(run.stdout + run.stderr).slice(-3000)}`,
      );
    const [summary] = parseSummaryFile(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    return {
      run,
      summary: summary!,
      junit: readFileSync(path.join(out, 'junit.xml'), 'utf8'),
      index: readFileSync(path.join(out, 'index.html'), 'utf8'),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The custom suite's tests, finding and metric in summary.json, junit.xml and index.html. */
function expectFlowsReported(r: Report, profileName: string): void {
  const flows = r.summary.suites['my-flows'];
  expect(flows).toMatchObject({ passed: 3, failed: 0, skipped: 1 });
  expect(byName(flows!.tests, DELIVERY).status).toBe('passed');
  expect(byName(flows!.tests, 'readings are bridged to the second site')).toMatchObject({
    status: 'skipped',
    skipReason: 'needs a second site (this profile has one)',
  });
  expect(byName(flows!.tests, 'readings are not retained').findings).toEqual([
    expect.objectContaining({
      severity: 'warning',
      title: WARNING,
      remedy: 'publish the latest reading with retain=true',
    }),
  ]);
  const metrics = r.summary.metrics['my-flows'] as Record<string, unknown>;
  expect(metrics.reading_delivery_ms).toEqual(expect.any(Number));

  const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(r.junit);
  const suites = [junit.testsuites.testsuite].flat() as Array<Record<string, any>>;
  const suite = suites.find((s) => s['@name'] === `${profileName}.my-flows`)!;
  expect(suite).toMatchObject({ '@tests': '4', '@failures': '0', '@skipped': '1' });
  const cases = [suite.testcase].flat() as Array<Record<string, any>>;
  expect(cases.map((c) => c['@name'])).toEqual(
    expect.arrayContaining([`device flows › ${DELIVERY}`, 'the deployment has at least two nodes behind the balancer']),
  );
  expect(cases.find((c) => String(c['@name']).includes('not retained'))!['system-out']).toContain(WARNING);
  const props = [suite.properties.property].flat() as Array<Record<string, string>>;
  expect(props.find((p) => p['@name'] === 'metric.reading_delivery_ms')?.['@value']).toMatch(/^\d+$/);

  // One profile: index.html is its page, with the suite's section, the finding and the metric.
  expect(r.index).toMatch(/id="suite-my-flows/);
  expect(r.index).toContain(DELIVERY);
  expect(r.index).toContain(WARNING);
  expect(r.index).toContain('metrics.my-flows');
  expect(r.index).toContain('reading_delivery_ms');
}

describe('custom suites in mqtt-lb run', () => {
  test('a profile listing pubsub and a custom suite file runs both in one Jest run and reports both', async () => {
    // -t selects the custom suite's tests only: pubsub is reported with its tests not selected (and starts no deployment).
    const r = await runReport([
      '-p',
      'fixtures/custom-suites/pubsub-and-flows.yaml',
      '-t',
      'device flows|at least two',
    ]);
    expect(r.run.stdout).toMatch(/^PASS {2}pubsub-and-flows: 3 passed, 0 failed/m);
    expect(r.run.code).toBe(0);
    expect(r.run.stderr).toMatch(/pubsub-and-flows › my-flows: ✓ PASS {2}3 passed, 0 failed, 1 skipped/);
    expect(byName(r.summary.suites.pubsub!.tests, 'connections through the balancer land on every node')).toMatchObject(
      { status: 'skipped', skipReason: "not selected by -t 'device flows|at least two'" },
    );
    expectFlowsReported(r, 'pubsub-and-flows');
  }, 110_000);

  test('--suite runs a test file instead of the profile list', async () => {
    const r = await runReport(['-p', 'fixtures/profiles/haproxy-roundrobin.yaml', '--suite', FLOWS]);
    expect(r.run.code).toBe(0);
    expect(Object.keys(r.summary.suites)).toEqual(['my-flows']);
    expectFlowsReported(r, 'haproxy-roundrobin');
  }, 110_000);

  test('a --suite file that does not exist is a usage error naming the flag and the fix (exit 2)', async () => {
    const r = await runCli(['run', '-p', 'fixtures/profiles/haproxy-roundrobin.yaml', '--suite', 'nope/flows.test.ts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--suite nope\/flows\.test\.ts: suite file not found: .*nope\/flows\.test\.ts/);
    expect(r.stderr).toMatch(/relative to the current directory/);
  });
});
