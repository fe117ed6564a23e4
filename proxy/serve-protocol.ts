/**
 * Messages between TS-proxy's main thread (main.ts: CLI, config loading, signals, stdout) and the worker
 * thread it forwards in (serve-worker.ts), and why there is a worker at all.
 *
 * Why: the forwarding heap holds mostly long-lived objects (two sockets per connection). In the main thread
 * V8 grows the young generation to its default maximum (2 × 16 MB semi-spaces) while connections arrive,
 * because every scavenge finds them alive; that was ~2.8 KB of the ~9 KB RSS per idle proxied connection
 * (bench/proxy/README.md). A worker's young generation is set by `resourceLimits`, in code, with no launch flag.
 */
import type { ProxyConfig } from './config/types.js';
import type { LogLevel } from './util/log.js';

/**
 * Young generation of the forwarding worker (MB; V8 makes 1/3 of it one semi-space). Before forwarding read into
 * a shared buffer (runtime/shared-read.ts) this was a memory/CPU trade-off (6 MB → mem_ratio 1.59, 64 KB cpu ratio
 * 1.92; 16 MB → 2.37, 1.32). Since then the size does not move the CPU per message (bench/proxy/forward-cpu.ts,
 * 4 / 6 / 10 / 16 MB equal at 64 KB and 1 KB) nor, within ±5 %, the RSS per idle connection (idle-conns.ts,
 * 3,000 connections: 4 MB 5.5 KB, 6 MB 5.4 KB, 10 MB 5.3 KB); bench/proxy/README.md has the runs.
 */
export const SERVE_YOUNG_GENERATION_MB = 10;

export interface ServeWorkerData {
  config: ProxyConfig;
  configPath: string;
  baseDir: string;
  logLevel?: LogLevel;
}

/** Main thread → worker: handled one at a time, in order. */
export type ToServeWorker = { type: 'reload'; config: ProxyConfig } | { type: 'stop' };

/** Worker → main thread: a string is one log line (newline included) for stdout. */
export type FromServeWorker = string | { type: 'started' } | { type: 'start-failed' } | { type: 'stopped' };
