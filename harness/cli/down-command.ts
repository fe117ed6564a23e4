/**
 * `mqtt-lb down [--run <id> | --all]`: stop a running deployment through its keeper; if the keeper is gone, kill
 * the run's recorded processes and remove its directory here. Either way, finish by proving that no process with
 * the run's MQTT_LB_RUN_ID is left (stragglers are killed and named).
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RunDir } from '../proc/run-dir.js';
import { belongsToRun, isAlive, signalGroup } from '../proc/identity.js';
import { killRunProcessesSync } from '../proc/sweep.js';
import { waitFor } from '../util/wait.js';
import { callControl, KeeperUnreachableError } from './control.js';
import {
  blockLocksOf,
  clearCurrentIf,
  controlSocketPath,
  processesOfRun,
  readKeeperInfo,
  resolveUpRun,
  upRuns,
} from './run-state.js';

export interface DownResult {
  runId: string;
  how: 'keeper' | 'fallback';
  /** Processes of the run that were still alive afterwards and had to be killed. */
  stragglers: number[];
  errors: string[];
}

async function gone(pid: number | undefined, timeoutMs: number): Promise<boolean> {
  if (!pid) return true;
  return waitFor(() => !isAlive(pid), { timeoutMs, intervalMs: 50, what: `pid ${pid} to exit` }).then(
    () => true,
    () => false,
  );
}

/** The keeper did not answer: do its job from here, with the same identity checks. */
async function fallbackStop(run: RunDir, errors: string[]): Promise<void> {
  const info = readKeeperInfo(run);
  killRunProcessesSync(run);
  const keeperPid = info?.pid ?? run.owner()?.pid;
  if (keeperPid && belongsToRun(keeperPid, run.runId)) {
    signalGroup(keeperPid, 'SIGKILL');
    if (!(await gone(keeperPid, 5000))) errors.push(`keeper pid ${keeperPid} survived SIGKILL`);
  }
  if (info?.deployment.runtime === 'docker') {
    const { sweepRun } = await import('../docker/engine.js');
    const r = await sweepRun(run.runId);
    errors.push(...r.errors);
  }
  run.release();
}

export async function stopUpRun(run: RunDir): Promise<DownResult> {
  const errors: string[] = [];
  let how: DownResult['how'] = 'keeper';
  const keeperPid = readKeeperInfo(run)?.pid ?? run.owner()?.pid;
  try {
    await callControl(controlSocketPath(run), { cmd: 'down' }, 60_000);
    if (!(await gone(keeperPid, 10_000)))
      throw new KeeperUnreachableError(`keeper pid ${keeperPid} did not exit after stopping`);
  } catch (err) {
    if (!(err instanceof KeeperUnreachableError)) errors.push((err as Error).message);
    how = 'fallback';
    await fallbackStop(run, errors);
  }
  for (const lock of blockLocksOf(run.runId)) rmSync(lock, { force: true });
  clearCurrentIf(run.runId);
  const stragglers = processesOfRun(run.runId);
  for (const pid of stragglers) {
    signalGroup(pid, 'SIGCONT');
    process.kill(pid, 'SIGKILL');
  }
  for (const pid of stragglers)
    if (!(await gone(pid, 5000))) errors.push(`pid ${pid} of run ${run.runId} survived SIGKILL`);
  if (run.owner()) run.remove();
  return { runId: run.runId, how, stragglers, errors };
}

function report(r: DownResult): boolean {
  const via =
    r.how === 'keeper' ? 'stopped by its keeper' : 'keeper gone: processes killed and run directory removed here';
  process.stdout.write(
    `run ${r.runId}: down (${via})${r.stragglers.length ? `; killed ${r.stragglers.length} leftover process(es): ${r.stragglers.join(', ')}` : ''}\n`,
  );
  for (const e of r.errors) process.stderr.write(`mqtt-lb down: ${r.runId}: ${e}\n`);
  return r.errors.length === 0;
}

export async function downCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { run: { type: 'string' }, all: { type: 'boolean', default: false } },
    strict: true,
  });
  const runs = values.all ? upRuns() : [resolveUpRun(values.run)];
  if (!runs.length) process.stdout.write('no deployment is up\n');
  let ok = true;
  for (const run of runs) ok = report(await stopUpRun(run)) && ok;
  return ok ? 0 : 1;
}
