/**
 * Startup diagnostics through the CLI: a server the balancer never reports UP is an error finding naming
 * the server, its config line and the check status while the suites run on the UP servers; a balancer with
 * no UP server at all stops the run within 30 s, naming each server, line and check status.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { assertBuilt, byName, errorFindings, runCli, runSuiteCli } from './cli-helpers.js';

const BUILT = ['harness/balancer/startup-checks.ts', 'harness/deployment.ts', 'harness/run/run-profile.ts'];

describe('startup diagnostics through the CLI', () => {
  test('one server on a wrong port → error finding (server, line, L4CON), suites run on the UP servers, fairness fails citing it', async () => {
    const { code, summary, log } = await runSuiteCli(
      'fixtures/broken/server-wrong-port.yaml',
      'pubsub,fairness',
      ['-t', 'static spread|land on every node'],
      { built: BUILT },
    );
    expect(code).toBe(1);
    const startup = summary.deployment?.startup_findings ?? [];
    expect(startup).toHaveLength(1);
    const f = startup[0]!;
    expect(f).toMatchObject({ severity: 'error', line: 22 });
    expect(f.file).toMatch(/server-wrong-port\.cfg$/);
    expect(f.title).toMatch(/emqx_node_3.*L4CON \(Connection refused\)/);
    expect(f.remedy).toMatch(/emqx-node-3\.invalid:1884/);
    // The run went on: pubsub placement passed on the two UP nodes, fairness failed naming the finding.
    expect(byName(summary.suites.pubsub!.tests, 'connections through the balancer land on every node').status).toBe(
      'passed',
    );
    const spread = byName(summary.suites.fairness!.tests, 'static spread');
    expect(spread.status).toBe('failed');
    expect(errorFindings(spread).map((x) => x.title)).toContain(f.title);
    expect(log).toMatch(/FAIL {2}broken-server-wrong-port: .*1 startup error/);
    expect(log).toMatch(/startup ERROR \S*server-wrong-port\.cfg:22: server emqx_node_3 .*L4CON/);
  }, 180_000);

  test('TS-proxy: one server on a wrong port → the same error finding from its admin API view, pubsub runs on the UP servers', async () => {
    const { code, summary } = await runSuiteCli(
      'fixtures/broken/ts-proxy-server-wrong-port.yaml',
      'pubsub',
      ['-t', 'land on every node'],
      { built: [...BUILT, 'harness/balancer/ts-proxy/admin-view.ts'] },
    );
    expect(code).toBe(1);
    const startup = summary.deployment?.startup_findings ?? [];
    expect(startup).toEqual([
      expect.objectContaining({ severity: 'error', line: 21, title: expect.stringMatching(/^server emqx3 .*L4CON/) }),
    ]);
    expect(byName(summary.suites.pubsub!.tests, 'connections through the balancer land on every node').status).toBe(
      'passed',
    );
  }, 180_000);

  test('every server down → exit 1 once the checks are refused, not after the startup bound, naming each server, its line and the check status', async () => {
    assertBuilt(...BUILT);
    const out = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-startup-'));
    try {
      const started = Date.now();
      const r = await runCli(['run', '--profile', 'fixtures/broken/all-servers-down.yaml', '--out', out], {
        timeoutMs: 60_000,
      });
      const elapsed = Date.now() - started;
      expect(r.code).toBe(1);
      for (const [server, line] of [
        ['emqx_node_1', 20],
        ['emqx_node_2', 21],
        ['emqx_node_3', 22],
      ] as const)
        expect(r.stderr).toMatch(
          new RegExp(`all-servers-down\\.cfg:${line}: server ${server} .*L4CON \\(Connection refused\\)`),
        );
      // A refused connection ends the wait for the first checks at once; each of the four suites' deployments says
      // how long it waited. (Wall time is the four cluster starts: 18 s quiet, 31 s in a CI check under load.)
      const waits = [...r.stderr.matchAll(/waited (\d+\.\d) s of at most (\d+) s/g)];
      expect(waits.length).toBeGreaterThan(0);
      for (const [, waited, bound] of waits) expect(Number(waited)).toBeLessThan(Number(bound) / 2);
      expect(elapsed).toBeLessThan(60_000); // 4 × the 15 s bound: no suite waited it out
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);
});
