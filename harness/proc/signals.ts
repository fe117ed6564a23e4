/**
 * On SIGINT/SIGTERM (Ctrl-C mid-run), kill every process of every run this process owns, then exit.
 * Synchronous on purpose: the event loop may not get another turn.
 */
import type { RunDir } from './run-dir.js';
import { killRunProcessesSync } from './sweep.js';

const active = new Set<RunDir>();
const cleanups = new Set<() => void>();
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const run of active) {
    killRunProcessesSync(run);
  }
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      /* best effort */
    }
  }
  process.stderr.write(`\n[mqtt-lb] ${signal}: stopped ${active.size} run(s); nothing left running\n`);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

export function trackRun(run: RunDir, syncCleanup?: () => void): () => void {
  if (!installed) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    installed = true;
  }
  active.add(run);
  if (syncCleanup) cleanups.add(syncCleanup);
  return () => {
    active.delete(run);
    if (syncCleanup) cleanups.delete(syncCleanup);
  };
}
