/**
 * Cleanup that survives the owner: scripts/docker/reaper.mjs, detached, holding an IPC channel to this process,
 * removes the run's containers and network as soon as the channel closes (exit, crash, SIGKILL, or a Ctrl-C this
 * process cannot catch: inside Jest, `process.on('SIGINT')` registers on a sandbox copy of `process`, so the signal
 * handlers of harness/proc/signals.ts never run there). Complements the synchronous signal cleanup and the
 * stale-run sweep at the next start.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../util/project-root.js';
import { withTimeout } from '../util/wait.js';

const script = (name: string): string => path.join(projectRoot(), 'scripts', 'docker', name);

export interface Reaper {
  /** The run ended normally (its containers are already removed): stop the reaper without a sweep. */
  dismiss(): void;
}

export async function startReaper(runId: string): Promise<Reaper> {
  const child: ChildProcess = spawn(process.execPath, [script('reaper.mjs'), runId], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env },
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the run's reaper exited at start (code ${code})`)));
  });
  await withTimeout(ready, 10_000, "the run's reaper (scripts/docker/reaper.mjs) to start");
  child.removeAllListeners('exit');
  // Neither the process nor its channel keeps this process alive; the channel closes when this process ends.
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  return {
    dismiss() {
      child.kill('SIGKILL');
      child.disconnect?.();
    },
  };
}

/** Removes the run's containers and network without the event loop (signal handlers outside Jest). */
export function sweepRunSync(runId: string): void {
  spawnSync(process.execPath, [script('sweep-run.mjs'), runId], {
    stdio: 'ignore',
    timeout: 20_000,
    env: { ...process.env },
  });
}
