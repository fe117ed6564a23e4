/**
 * Runs the selected suites of one profile in a Jest child process (suites one after another:
 * `--runInBand`, each with its own deployment, so fault injection never meets another suite and
 * timings are not skewed by a parallel suite on a small machine), then merges the results.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Profile, SuiteName } from '../profile/schema.js';
import type { Summary } from '../report/summary-types.js';
import { mergeResults, readRecords, type JestJson } from './merge.js';
import { builtFile, projectRoot } from '../util/project-root.js';
import { newRunId } from '../proc/run-dir.js';
import { withParentDeathSignal } from '../proc/child.js';
import { progress } from '../util/progress.js';
import { runStopReason, watchRunStop } from '../suite/run-stop.js';
import { buildRunPlan, RUN_PLAN_ENV, writeRunPlan } from '../suite/plan.js';

export interface RunProfileOptions {
  suites: SuiteName[];
  workDir: string;
  runtime?: string;
  /** Extra Jest CLI args (e.g. -t <pattern>). */
  jestArgs?: string[];
  /** Extra environment for the Jest child (the CLI passes the run's MQTT_LB_RUN_ID). */
  env?: Record<string, string>;
  /** The Jest child's pid, which is also its process group (see harness/run/stop-run.ts). */
  onChild?: (pid: number) => void;
}

export function harnessVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** In a checkout jest.config.ts (sources through SWC); installed as a dependency, the build's own config. */
function jestConfigFile(): string {
  return existsSync(path.join(projectRoot(), 'harness'))
    ? path.join(projectRoot(), 'jest.config.ts')
    : builtFile('harness/run/installed-jest-config.js');
}

export function suiteFile(name: string): string {
  return path.join(projectRoot(), 'suites', `${name}.test.ts`);
}

export async function runProfile(profile: Profile, opts: RunProfileOptions): Promise<Summary> {
  const runId = newRunId();
  const started = new Date();
  const recordsDir = path.join(opts.workDir, 'records', profile.name);
  rmSync(recordsDir, { recursive: true, force: true });
  mkdirSync(recordsDir, { recursive: true });
  // The run plan: the profile as resolved here (CLI overrides applied), read by every suite instead of the YAML.
  const plan = await buildRunPlan(profile, { runId, resultsDir: recordsDir });
  const planFile = writeRunPlan(plan, path.join(opts.workDir, `plan-${profile.name}.json`));
  const jestOut = path.join(opts.workDir, `jest-${profile.name}.json`);
  rmSync(jestOut, { force: true });
  const unavailable: Record<string, string> = {};
  const files = opts.suites
    .filter((s) => {
      if (existsSync(suiteFile(s))) return true;
      unavailable[s] = `the ${s} suite is not part of this harness version yet`;
      return false;
    })
    .map(suiteFile);

  let jest: JestJson | undefined;
  let stopped: string | undefined;
  if (files.length) {
    const require = createRequire(import.meta.url);
    const jestBin = path.join(path.dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
    const args = [
      '--experimental-vm-modules',
      jestBin,
      '--config',
      jestConfigFile(),
      '--selectProjects',
      'suites',
      '--runInBand',
      '--verbose',
      '--json',
      '--outputFile',
      jestOut,
      // The suite files before the extra args: an array option there (`--reporters a --reporters b`) would swallow them.
      ...files,
      ...(opts.jestArgs ?? []),
    ];
    progress(`profile ${profile.name}: running ${opts.suites.join(', ')}`);
    const code = await new Promise<number>((resolve) => {
      // Its own process group (a signal reaches it only through the CLI, which stops the whole group), and dead
      // with the CLI even when that is SIGKILLed.
      const jestCommand = withParentDeathSignal(process.execPath, args);
      const child = spawn(jestCommand.command, jestCommand.args, {
        cwd: projectRoot(),
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: {
          ...process.env,
          ...opts.env,
          NODE_NO_WARNINGS: '1',
          [RUN_PLAN_ENV]: planFile,
        },
      });
      opts.onChild?.(child.pid!);
      // A balancer with no UP server stops the run: the remaining suites would only fail the same way.
      const stopWatch = watchRunStop(recordsDir, function onRunStopped(reason) {
        process.stderr.write(`[mqtt-lb] run stopped: ${reason}\n`);
        // The whole group: Jest and anything it started (its deployments also die with it by their death signal).
        try {
          if (child.pid) process.kill(-child.pid, 'SIGTERM');
        } catch {
          child.kill('SIGTERM'); // the group is gone already or was never formed
        }
      });
      child.once('exit', (c, signal) => {
        stopWatch();
        resolve(c ?? (signal ? 128 : 1));
      });
    });
    stopped = runStopReason(recordsDir);
    if (existsSync(jestOut)) jest = JSON.parse(readFileSync(jestOut, 'utf8')) as JestJson;
    else if (code !== 0 && stopped === undefined)
      throw new Error(`Jest exited with code ${code} without writing results`);
  }
  return mergeResults({
    runId,
    started,
    finished: new Date(),
    harnessVersion: harnessVersion(),
    profileFile: profile.file,
    profileName: profile.name,
    jest,
    records: readRecords(recordsDir),
    unavailable,
    ...(stopped !== undefined
      ? { stopped: { reason: stopped, suites: opts.suites.filter((s) => !unavailable[s]) } }
      : {}),
  });
}
