/**
 * `mqtt-lb run` over several profiles, as a user runs it: one index with the profile × suite matrix, a page per
 * profile with its charts, summary.json as a bundle, junit.xml, and live progress per suite on stderr.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseSummaryFile } from '../../harness/report/index.js';
import { assertBuilt, ROOT, runCli } from './cli-helpers.js';

assertBuilt('harness/cli/run-command.ts', 'harness/cli/progress-reporter.ts');

const OUT = path.join(ROOT, 'reports', 'test-cli-run');
const PROFILES = ['fixtures/profiles/haproxy-roundrobin.yaml', 'fixtures/profiles/haproxy-leastconn.yaml'];

describe('mqtt-lb run with several profiles', () => {
  test('writes the index matrix, a page with charts per profile, the bundle and JUnit; shows progress per suite', async () => {
    rmSync(OUT, { recursive: true, force: true });
    const r = await runCli(
      ['run', ...PROFILES.flatMap((p) => ['-p', p]), '--suites', 'pubsub', '-t', 'placement|QoS 1:', '--out', OUT],
      { timeoutMs: 150_000 },
    );
    expect(r.stdout).toMatch(/^PASS {2}haproxy-roundrobin: \d+ passed, 0 failed/m);
    expect(r.stdout).toMatch(/^PASS {2}haproxy-leastconn: \d+ passed, 0 failed/m);
    expect(r.code).toBe(0);
    // Phases and each suite's result as it finishes.
    expect(r.stderr).toMatch(/profile 1\/2: haproxy-roundrobin/);
    expect(r.stderr).toMatch(/haproxy-roundrobin › pubsub: starting/);
    expect(r.stderr).toMatch(/haproxy-roundrobin › pubsub: ✓ PASS {2}2 passed, 0 failed, \d+ skipped in [\d.]+ s/);
    expect(r.stderr).toMatch(/haproxy-leastconn › pubsub: ✓ PASS/);

    const runs = parseSummaryFile(readFileSync(path.join(OUT, 'summary.json'), 'utf8'));
    expect(runs.map((s) => s.run.profileName)).toEqual(['haproxy-roundrobin', 'haproxy-leastconn']);
    const skipped = runs[0]!.suites.pubsub!.tests.filter((t) => t.status === 'skipped');
    expect(skipped.some((t) => t.skipReason === "not selected by -t 'placement|QoS 1:'")).toBe(true);

    const index = readFileSync(path.join(OUT, 'index.html'), 'utf8');
    expect(index.match(/<tr><td><a href="profiles\/[^"]+\.html"><b>/g)).toHaveLength(2);
    expect(index).toMatch(/<td class="cell passed"><a href="profiles\/haproxy-roundrobin\.html#suite-pubsub-[^"]+"/);
    for (const name of ['haproxy-roundrobin', 'haproxy-leastconn']) {
      const page = readFileSync(path.join(OUT, 'profiles', `${name}.html`), 'utf8');
      expect(page).toMatch(/<div class="chart"><svg/); // pub/sub latency histogram from the QoS 1 test
      expect(page).toMatch(/Balancer config as run/);
      expect(page).toMatch(/<ul class="notes"><li>/); // capability notes as a list, not raw JSON
      expect(page).not.toMatch(/\[&quot;MQTT 3\.1\.1/);
    }
    const junit = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(path.join(OUT, 'junit.xml'), 'utf8'));
    expect(junit.testsuites).toBeDefined();
    expect(existsSync(path.join(OUT, '.work'))).toBe(true);
  }, 180_000);

  test('profiles with the same name, a bad --suites and a missing --profile are usage errors (exit 2)', async () => {
    const dup = await runCli(['run', '-p', PROFILES[0]!, '-p', PROFILES[0]!]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/two profiles are named 'haproxy-roundrobin'/);
    const suites = await runCli(['run', '-p', PROFILES[0]!, '--suites', 'pubsub,nope']);
    expect(suites.code).toBe(2);
    expect(suites.stderr).toMatch(/unknown suite\(s\) nope/);
    const none = await runCli(['run']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--profile is required/);
    const help = await runCli(['help', 'run']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/fail_on_regression/);
  });
});
