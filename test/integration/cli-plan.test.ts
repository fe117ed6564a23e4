/**
 * The run plan as a user meets it: `--map` reaches the suites (the README's example, run as printed), a config
 * without a dashboard frontend skips that test with the reason, and a threshold typo is refused before anything
 * starts, naming file:line.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, byName, runCli, runSuiteCli } from './cli-helpers.js';

const BUILT = ['harness/suite/plan.ts', 'harness/run/run-profile.ts', 'harness/suite/context.ts'];
const DASHBOARD = 'dashboard frontend: GET /status through the balancer answers like EMQX';

/** The README's `--map` example, exactly as printed there. */
function readmeMapExample(): string[] {
  const line = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('npx mqtt-lb run') && l.includes('--map'));
  if (!line) throw new Error('README.md has no `npx mqtt-lb run … --map …` example');
  return line.replace(/^npx mqtt-lb /, '').split(/\s+/);
}

describe('mqtt-lb run: the run plan reaches the suites', () => {
  test("the README's --map example: a fourth server mapped on the command line, pubsub passes", async () => {
    const [cmd, ...args] = readmeMapExample();
    expect(cmd).toBe('run');
    const profile = args[args.indexOf('-p') + 1]!;
    const extra = args.filter((_, i) => i !== args.indexOf('-p') && i !== args.indexOf('-p') + 1);
    const r = await runSuiteCli(profile, 'pubsub', extra, { built: BUILT });
    expect(r.log).not.toMatch(/maps to no harness node/);
    expect(r.tests.filter((t) => t.status === 'failed').map((t) => t.name)).toEqual([]);
    expect(byName(r.tests, 'connections through the balancer land on every node').status).toBe('passed');
    expect(byName(r.tests, DASHBOARD)).toMatchObject({
      status: 'skipped',
      skipReason: "the config has no frontend for the nodes' dashboard port 18083",
    });
    expect(r.code).toBe(0);
  }, 180_000);

  test('MQTT-only production config: pubsub passes, the dashboard test is skipped with the reason', async () => {
    const r = await runSuiteCli('fixtures/profiles/haproxy-mqtt-only.yaml', 'pubsub', [], { built: BUILT });
    expect(r.tests.filter((t) => t.status === 'failed').map((t) => t.name)).toEqual([]);
    expect(byName(r.tests, DASHBOARD)).toMatchObject({
      status: 'skipped',
      skipReason: "the config has no frontend for the nodes' dashboard port 18083",
    });
    expect(r.code).toBe(0);
  }, 180_000);

  test.each(['failover', 'fairness', 'keepalive', 'tls', 'pubsub'])(
    'a threshold typo in %s is refused by preflight naming file:line (exit 2)',
    async (suite) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-typo-'));
      const file = path.join(dir, 'typo.yaml');
      const cfg = path.join(ROOT, 'fixtures/haproxy/production/emqx-mqtt-only.cfg');
      writeFileSync(file, `balancer: { kind: haproxy, config: ${cfg} }\nthresholds:\n  ${suite}:\n    tyop_ms: 1\n`);
      const r = await runCli(['run', '-p', file, '--out', path.join(dir, 'out')], { timeoutMs: 30_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file}:4: profile: unknown key(s) 'tyop_ms' under thresholds.${suite}`);
    },
    30_000,
  );
});
