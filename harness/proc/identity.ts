/**
 * Process identity checks through /proc, so the harness only ever signals processes it started:
 * each child carries MQTT_LB_RUN_ID=<runId> in its environment.
 */
import { readFileSync } from 'node:fs';

export const RUN_ID_ENV = 'MQTT_LB_RUN_ID';

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
