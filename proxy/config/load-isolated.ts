/**
 * Loads the config in a short-lived worker thread, so the forwarding process never keeps the config
 * libraries (yaml, zod: ~4–5 MB of live heap) in its own heap. A larger live heap makes V8 run back-to-back
 * mark-compacts under 64 KB traffic (bench/proxy/README.md, "Why the two misses"); the result is plain data.
 */
import { Worker } from 'node:worker_threads';
import type { LoadedConfig } from './load-file.js';
import { errorText } from '../util/log.js';

/** Bound on one parse (worker start included); a config parse takes tens of milliseconds. */
const PARSE_TIMEOUT_MS = 30_000;

/** The worker entry beside this module: `parse-worker.js` in dist, `parse-worker.mjs` beside a test bundle. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.mjs') ? './parse-worker.mjs' : './parse-worker.js', import.meta.url);
}

export function loadConfigIsolated(file: string): Promise<LoadedConfig> {
  return new Promise(function parseInWorker(resolve) {
    const worker = new Worker(workerUrl(), { workerData: { file } });
    let settled = false;
    function settle(result: LoadedConfig): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    }
    const timer = setTimeout(function onParseTimeout() {
      settle({ errors: [`${file}:1: config: parsing did not finish within ${PARSE_TIMEOUT_MS / 1000} s`] });
    }, PARSE_TIMEOUT_MS);
    worker.once('message', function onParsed(result: LoadedConfig) {
      settle(result);
    });
    worker.once('error', function onWorkerError(err: unknown) {
      settle({ errors: [`${file}:1: config: the config parser failed: ${errorText(err)}`] });
    });
    worker.once('exit', function onWorkerExit(code: number) {
      settle({ errors: [`${file}:1: config: the config parser exited (code ${code}) without a result`] });
    });
  });
}
