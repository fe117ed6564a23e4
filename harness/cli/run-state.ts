/**
 * State of `mqtt-lb up` deployments, kept on disk so any shell can find them:
 * `<state root>/current` names the latest `up`; `<run dir>/keeper.json` describes a ready deployment;
 * `<run dir>/control.sock` is its keeper's control socket.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RunDir, listRunDirs, stateRoot } from '../proc/run-dir.js';
import { RUN_ID_ENV } from '../proc/identity.js';
import { ConfigError } from '../errors.js';
import type { DeploymentSummary } from '../report/summary-types.js';

export interface KeeperInfo {
  runId: string;
  /** Pid of the keeper process (owner of the run). */
  pid: number;
  profile: string;
  profileName: string;
  startedAt: string;
  socket: string;
  logFile: string;
  deployment: DeploymentSummary;
}

export const KEEPER_FILE = 'keeper.json';

export function controlSocketPath(run: RunDir): string {
  return path.join(run.path, 'control.sock');
}

export function writeKeeperInfo(run: RunDir, info: KeeperInfo): void {
  writeFileSync(path.join(run.path, KEEPER_FILE), JSON.stringify(info, null, 2));
}

export function readKeeperInfo(run: RunDir): KeeperInfo | undefined {
  try {
    return JSON.parse(readFileSync(path.join(run.path, KEEPER_FILE), 'utf8')) as KeeperInfo;
  } catch {
    return undefined;
  }
}

function currentFile(): string {
  return path.join(stateRoot(), 'current');
}

export function setCurrent(runId: string): void {
  writeFileSync(currentFile(), `${runId}\n`);
}

export function readCurrent(): string | undefined {
  try {
    return readFileSync(currentFile(), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** When `current` names `runId` (which went down), the newest other ready `up` run becomes current, if any. */
export function clearCurrentIf(runId: string): void {
  if (readCurrent() !== runId) return;
  const next = upRuns()
    .filter((r) => r.runId !== runId)
    .map((r) => readKeeperInfo(r))
    .filter((i): i is KeeperInfo => i !== undefined)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .at(-1);
  if (next) setCurrent(next.runId);
  else rmSync(currentFile(), { force: true });
}

/** Runs started by `mqtt-lb up` whose directory still exists (ready or not). */
export function upRuns(): RunDir[] {
  return listRunDirs().filter((r) => r.owner()?.mode === 'up');
}

/** The run `--run <id>` names, or the current one; a ConfigError (exit 2) when there is none. */
export function resolveUpRun(runArg: string | undefined): RunDir {
  const runId = runArg ?? readCurrent();
  const others = upRuns().map((r) => r.runId);
  if (!runId) {
    throw new ConfigError(
      'no deployment is up',
      undefined,
      undefined,
      others.length ? `pick one with --run: ${others.join(', ')}` : 'start one with: mqtt-lb up --profile <file.yaml>',
    );
  }
  const run = new RunDir(runId);
  if (!existsSync(run.path)) {
    if (!runArg) clearCurrentIf(runId);
    throw new ConfigError(
      `no deployment '${runId}' is up${runArg ? '' : ' (it was the current one; it is gone)'}`,
      undefined,
      undefined,
      others.length ? `deployments up: ${others.join(', ')}` : 'start one with: mqtt-lb up --profile <file.yaml>',
    );
  }
  return run;
}

/** Pids of every process (readable by us) whose environment carries MQTT_LB_RUN_ID=<runId>. */
export function processesOfRun(runId: string): number[] {
  const needle = `${RUN_ID_ENV}=${runId}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(needle)) pids.push(Number(entry));
    } catch {
      /* gone, or not ours */
    }
  }
  return pids;
}

export { blockLocksOf } from '../net/loopback-block.js';
