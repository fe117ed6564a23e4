/**
 * Cleanup of runs: stop the processes of a run (by its pid files, only processes proven to belong
 * to it), and sweep leftovers of runs whose owner died (crash, SIGKILL, power loss).
 */
import { rmSync } from 'node:fs';
import { listRunDirs, type RunDir } from './run-dir.js';
import { blockLocksOf } from '../net/loopback-block.js';
import { belongsToRun, isAlive, signalGroup } from './identity.js';
import { removeRunChainSync, sweepOrphanChainsSync } from '../netfault/chain-sweep.js';

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
  removeRunChainSync(run.runId); // the run's network-fault rules (harness/netfault), if it left any
  return killed;
}

/** Removes the loopback block locks (harness/net/loopback-block.ts) still naming `runId`. */
function removeBlockLocks(runId: string): void {
  for (const f of blockLocksOf(runId)) rmSync(f, { force: true });
}

/** Removes leftovers of runs whose owner process is gone; returns the run ids swept. Kept run directories stay. */
export function sweepStaleRuns(): string[] {
  const swept: string[] = [];
  for (const run of listRunDirs()) {
    if (run.kept()) continue; // ended cleanly and kept on purpose (MQTT_LB_KEEP_RUN_DIR=1, RunDir.release)
    const owner = run.owner();
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) continue;
    if (owner?.pid === process.pid) continue;
    killRunProcessesSync(run);
    run.remove();
    removeBlockLocks(run.runId);
    swept.push(run.runId);
  }
  // Network-fault chains of runs whose owner died and whose run directory is gone too (another state directory).
  for (const runId of sweepOrphanChainsSync(isAlive)) if (!swept.includes(runId)) swept.push(runId);
  return swept;
}
