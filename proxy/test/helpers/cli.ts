/**
 * Bundles proxy/main.ts with esbuild into proxy/.build/ (dependencies stay external) so CLI tests run
 * the real program without depending on a fresh `npm run build`.
 */
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

const proxyDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function bundleCli(): Promise<{ file: string; cleanup: () => void }> {
  // One directory per bundle: main.js loads its config parser from ./parse-worker.js and runs the proxy in
  // ./serve-worker.js beside it (worker threads).
  const outDir = path.join(proxyDir, '.build', `cli-${process.pid}-${Date.now()}`);
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: {
      main: path.join(proxyDir, 'main.ts'),
      'parse-worker': path.join(proxyDir, 'config/parse-worker.ts'),
      'serve-worker': path.join(proxyDir, 'serve-worker.ts'),
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    packages: 'external',
    logLevel: 'error',
  });
  return { file: path.join(outDir, 'main.mjs'), cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

export interface RunningCli {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<number | null>;
  /** Resolves with the first log line matching `pred`. */
  waitForLine(
    pred: (l: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

export function startCli(file: string, args: string[]): RunningCli {
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ unparsed: line });
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr,
    exited,
    waitForLine: (pred, what, timeoutMs = 10_000) => waitFor(() => lines.find(pred), what, timeoutMs),
  };
}

/** Runs to completion; returns exit code and output. */
export function runCli(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
