/**
 * A balancer with no UP server stops the whole run: the first suite that meets it leaves a marker in the
 * results directory, and every later suite of the same profile fails at once with the same message instead
 * of starting (and waiting on) a deployment of its own.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Not `.json`: the results directory's JSON files are the suites' records. */
const MARKER = 'run-stopped.txt';

function markerFile(): string | undefined {
  const dir = process.env.MQTT_LB_RESULTS_DIR;
  return dir ? path.join(dir, MARKER) : undefined;
}

export function stopRun(err: Error): void {
  const file = markerFile();
  if (file) writeFileSync(file, err.message);
}

export function throwIfRunStopped(): void {
  const file = markerFile();
  if (!file || !existsSync(file)) return;
  throw new Error(`not started: an earlier suite of this run stopped it — ${readFileSync(file, 'utf8')}`);
}

/** The stop message once a suite has stopped the run in `resultsDir`, else undefined. */
export function runStopReason(resultsDir: string): string | undefined {
  const file = path.join(resultsDir, MARKER);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Calls `onStop` (once) as soon as a suite stops the run in `resultsDir`; returns the cancel function. */
export function watchRunStop(resultsDir: string, onStop: (reason: string) => void): () => void {
  const timer = setInterval(() => {
    const reason = runStopReason(resultsDir);
    if (reason === undefined) return;
    clearInterval(timer);
    onStop(reason);
  }, 200);
  return () => clearInterval(timer);
}
