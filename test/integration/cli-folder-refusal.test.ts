/**
 * A profile folder (the nightly corpus run): a profile whose config is refused before it starts (file:line and fix)
 * is reported as failed with that refusal, and the other profiles of the folder still run.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSummaryFile } from '../../harness/report/summary-file.js';
import { ROOT, assertBuilt, runCli } from './cli-helpers.js';

const profile = (name: string, config: string): string =>
  `name: ${name}\nruntime: local\nbroker: { kind: standin, nodes: 3 }\nbalancer: { kind: haproxy, config: ${path.join(ROOT, config)} }\nsuites: [pubsub]\n`;

describe('a profile folder with a refused config', () => {
  test('the refused profile fails naming its line; the others run', async () => {
    assertBuilt('harness/cli/run-command.ts');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-folder-'));
    const profiles = path.join(dir, 'profiles');
    const out = path.join(dir, 'report');
    mkdirSync(profiles);
    writeFileSync(
      path.join(profiles, 'a-ok.yaml'),
      profile('folder-ok', 'fixtures/haproxy/production/emqx-mqtt-only.cfg'),
    );
    writeFileSync(
      path.join(profiles, 'b-refused.yaml'),
      profile('folder-refused', 'fixtures/real-world/good/19-external-check-script.cfg'),
    );
    const r = await runCli(['run', '-p', profiles, '-t', 'land on every node', '--out', out], { timeoutMs: 150_000 });
    const runs = parseSummaryFile(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    const byName = Object.fromEntries(runs.map((s) => [s.run.profileName, s]));
    expect(byName['folder-ok']!.suites.pubsub!.passed).toBeGreaterThan(0);
    expect(byName['folder-refused']!.suites.pubsub!.error).toMatch(
      /19-external-check-script\.cfg:27: external-check command \/etc\/haproxy\/checks\/mqtt-connack\.sh does not exist/,
    );
    expect(r.stderr).toMatch(/profile folder-refused: REFUSED/);
    expect(r.code).toBe(1);
  }, 160_000);
});
