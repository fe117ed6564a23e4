/**
 * Cleanup of runs: stop the processes of a run (by its pid files, only processes proven to belong
 * to it), and sweep leftovers of runs whose owner died (crash, SIGKILL, power loss).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { listRunDirs, stateRoot, type RunDir } from './run-dir.js';
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
  const dir = path.join(stateRoot(), 'blocks');
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    try {
      if (readFileSync(path.join(dir, f), 'utf8').trim() === runId) rmSync(path.join(dir, f), { force: true });
    } catch {
      /* gone meanwhile */
    }
  }
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
    removeBlockLocks(run.runId);
    swept.push(run.runId);
  }
  // Network-fault chains of runs whose owner died and whose run directory is gone too (another state directory).
  for (const runId of sweepOrphanChainsSync(isAlive)) if (!swept.includes(runId)) swept.push(runId);
  return swept;
}
