/**
 * On SIGINT/SIGTERM/SIGHUP (Ctrl-C mid-run), kill every process of every run this process owns, then exit with
 * 128 + the signal number. Synchronous on purpose: the event loop may not get another turn.
 */
import { constants as osConstants } from 'node:os';
import type { RunDir } from './run-dir.js';
import { killRunProcessesSync } from './sweep.js';

/** The signals a run stops on. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The shell's convention for a process ended by `signal`: 128 + its number (SIGHUP 129, SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (osConstants.signals[signal] ?? 15);
}

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
  process.exit(signalExitCode(signal));
}

export function trackRun(run: RunDir, syncCleanup?: () => void): () => void {
  if (!installed) {
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
    installed = true;
  }
  active.add(run);
  if (syncCleanup) cleanups.add(syncCleanup);
  return () => {
    active.delete(run);
    if (syncCleanup) cleanups.delete(syncCleanup);
  };
}
