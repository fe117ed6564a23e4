/**
 * Process identity checks through /proc, so the harness only ever signals processes it started:
 * each child carries MQTT_LB_RUN_ID=<runId> in its environment.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const RUN_ID_ENV = 'MQTT_LB_RUN_ID';
/**
 * The enclosing run of a deployment process: an `mqtt-lb run` gives its Jest child (and so everything that child
 * starts) MQTT_LB_RUN_ID=<the run's id>; a deployment started there gives its own processes MQTT_LB_RUN_ID=<the
 * deployment's id> and MQTT_LB_PARENT_RUN_ID=<the run's id>, so both ids find them.
 */
export const PARENT_RUN_ID_ENV = 'MQTT_LB_PARENT_RUN_ID';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` is alive and was started by the harness for `runId`. */
export function belongsToRun(pid: number, runId: string): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    return env.split('\0').includes(`${RUN_ID_ENV}=${runId}`);
  } catch {
    return false;
  }
}

/** Pids of live (non-zombie) processes other than this one whose MQTT_LB_RUN_ID or MQTT_LB_PARENT_RUN_ID is `runId`. */
export function processesOfRun(runId: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .map(Number)
    .filter((pid) => carriesRun(pid, runId) && procState(pid) !== 'Z');
}

/** True when `pid` carries `runId` as its MQTT_LB_RUN_ID or MQTT_LB_PARENT_RUN_ID. */
export function carriesRun(pid: number, runId: string): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
    return env.includes(`${RUN_ID_ENV}=${runId}`) || env.includes(`${PARENT_RUN_ID_ENV}=${runId}`);
  } catch {
    return false;
  }
}

/** State letter from /proc/<pid>/stat (R, S, T = stopped, Z = zombie…), or undefined if gone. */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Signals a whole process group; ignores groups that are already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
