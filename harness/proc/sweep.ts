/**
 * Cleanup of runs: stop the processes of a run (by its pid files, only processes proven to belong
 * to it), and sweep leftovers of runs whose owner died (crash, SIGKILL, power loss).
 */
import { listRunDirs, type RunDir } from './run-dir.js';
import { belongsToRun, isAlive, signalGroup } from './identity.js';

/** SIGKILLs every recorded process group of the run (synchronous: usable from signal handlers). */
export function killRunProcessesSync(run: RunDir): number {
  let killed = 0;
  for (const rec of run.pids()) {
    if (belongsToRun(rec.pid, run.runId)) {
      signalGroup(rec.pid, 'SIGCONT');
      if (signalGroup(rec.pid, 'SIGKILL')) killed++;
    }
    run.forgetPid(rec.name);
  }
  return killed;
}

/** Removes leftovers of runs whose owner process is gone; returns the run ids swept. */
export function sweepStaleRuns(): string[] {
  const swept: string[] = [];
  for (const run of listRunDirs()) {
    const owner = run.owner();
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) continue;
    if (owner?.pid === process.pid) continue;
    killRunProcessesSync(run);
    run.remove();
    swept.push(run.runId);
  }
  return swept;
}
