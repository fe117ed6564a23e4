/**
 * A signal sent to the `mqtt-lb run` process alone (kill <pid>, a process manager, a CI runner — not a terminal's
 * Ctrl-C, which signals the whole process group) stops the Jest child and every deployment of the run, starts no
 * further suite, and ends the CLI with 128 + the signal number.
 */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor, withTimeout } from '../../harness/util/wait.js';
import { assertBuilt, ROOT } from './cli-helpers.js';
import { NIGHTLY_REASON, quickFirst } from '../helpers/tier.js';

/** Pids of live (non-zombie) processes whose environment holds one of `needles` (`NAME=value`). */
function processesWithEnv(needles: string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (needles.some((n) => env.includes(n))) out.push(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

/** Run dirs under the state dir (one per deployment while it runs). */
function runDirs(stateDir: string): string[] {
  const dir = path.join(stateDir, 'runs');
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** SIGTERM (process managers, CI runners) in the quick tier; SIGINT and SIGHUP in the nightly tier. */
const EXIT_CODES = quickFirst([
  ['SIGTERM', 143],
  ['SIGINT', 130],
  ['SIGHUP', 129],
] as const);

describe('signals to the mqtt-lb run process alone', () => {
  if (EXIT_CODES.skipped.length)
    test.skip.each(EXIT_CODES.skipped)(`%s to the CLI pid … exit %i [${NIGHTLY_REASON}]`, () => undefined);
  test.each(EXIT_CODES.run)(
    '%s to the CLI pid stops the Jest child and every deployment; exit %i',
    async (signal, expectedCode) => {
      assertBuilt('harness/cli/run-command.ts', 'harness/run/run-profile.ts', 'harness/run/stop-run.ts');
      const stateDir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-signals-state-'));
      const outDir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-signals-out-'));
      const cli = spawn(
        process.execPath,
        [
          'bin/mqtt-lb.js',
          'run',
          '-p',
          'fixtures/profiles/haproxy-roundrobin.yaml',
          '--suites',
          'pubsub,fairness',
          '--out',
          outDir,
        ],
        {
          cwd: ROOT,
          detached: true, // its own process group, so nothing here signals this test's group
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, MQTT_LB_STATE_DIR: stateDir },
        },
      );
      let stderr = '';
      cli.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
      cli.stdout.resume();
      const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
      const marker = `MQTT_LB_STATE_DIR=${stateDir}`;
      try {
        await waitFor(() => /haproxy .* up: MQTT/.test(stderr), {
          timeoutMs: 60_000,
          what: `the first suite's deployment to be up; stderr so far:\n${stderr}`,
        });
        const cliRun = /run (\S+): \d+ profile/.exec(stderr)?.[1];
        const deploymentRuns = [...stderr.matchAll(/run (\S+): starting/g)].map((m) => m[1]!);
        expect(deploymentRuns.length).toBeGreaterThanOrEqual(1);
        const suiteStarts = (): number => stderr.match(/› \w+: starting/g)?.length ?? 0;
        const suitesBefore = suiteStarts();
        const needles = [marker, ...[cliRun, ...deploymentRuns].filter(Boolean).map((id) => `MQTT_LB_RUN_ID=${id}`)];
        expect(processesWithEnv(needles).length).toBeGreaterThanOrEqual(5);

        process.kill(cli.pid!, signal); // the CLI's pid only, not its group
        const code = await withTimeout(exited, 30_000, `mqtt-lb to exit after ${signal}`);
        expect(code).toBe(expectedCode);
        await waitFor(() => processesWithEnv(needles).length === 0, {
          timeoutMs: 10_000,
          what: 'every process of the run to be gone',
        });
        expect(runDirs(stateDir)).toEqual([]);

        // No next suite may start (an orphaned Jest child started the next one ~26 s later). Such an orphan carries the
        // run's environment, so the wait above already fails on it (it lives until it starts that suite); nothing of
        // the run is left that could start one. A short second look, failing as soon as anything of the run shows up.
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline) {
          const alive = processesWithEnv(needles);
          const dirs = runDirs(stateDir);
          if (alive.length || dirs.length)
            throw new Error(`after ${signal}: processes ${alive.join(', ')} / run dirs ${dirs.join(', ')} appeared`);
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(suiteStarts()).toBe(suitesBefore);
        expect(existsSync(path.join(outDir, 'index.html'))).toBe(true);
      } finally {
        if (cli.exitCode === null) process.kill(-cli.pid!, 'SIGKILL');
        for (const pid of processesWithEnv([marker])) process.kill(pid, 'SIGKILL');
        rmSync(outDir, { recursive: true, force: true });
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
    150_000,
  );
});
