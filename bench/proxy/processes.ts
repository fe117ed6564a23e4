/**
 * Plain child processes for the bench (and the stand-in tests): spawn with captured output, kill with a deadline,
 * and a stand-in node from dist/ started up to its READY line. Lighter than harness/proc/child.ts (no run
 * directory, pid files or process group): the bench owns its processes for one measurement only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../harness/util/project-root.js';
import { waitFor, withTimeout } from '../../harness/util/wait.js';

/** dist/standin/node.js of this package (built by `npm run build`). */
export function nodeScriptPath(): string {
  return path.join(projectRoot(), 'dist/standin/node.js');
}

export interface Proc {
  readonly proc: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>;
  isRunning(): boolean;
}

export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-20_000)));
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      running = false;
      resolve(code);
    });
    proc.once('error', () => {
      running = false;
      resolve(null);
    });
  });
  return { proc, stdout: () => out, stderr: () => err, exited, isRunning: () => running };
}

/** SIGKILLs a process (if still running) and waits for it to go. */
export async function killProcess(p: Proc | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!p || !p.isRunning()) return;
  p.proc.kill(signal);
  await withTimeout(p.exited, 5000, `pid ${p.proc.pid} to exit`);
}

export interface NodeProc extends Proc {
  name: string;
  mqtt: { host: string; port: number };
  http: { host: string; port: number };
  ready: Record<string, string>;
}

function splitHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

/** Starts a stand-in node and waits for its READY line. */
export async function startNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<NodeProc> {
  const p = startProcess(process.execPath, [nodeScriptPath(), ...args], env);
  const readyLine = await waitFor(
    () => {
      const line = p
        .stdout()
        .split('\n')
        .find((l) => l.startsWith('READY '));
      if (line) return line;
      if (!p.isRunning()) throw new Error(`node exited before READY: ${p.stderr()}`);
      return undefined;
    },
    { timeoutMs: 10_000, what: `READY from ${args.join(' ')}` },
  ).catch(async (err: unknown) => {
    await killProcess(p);
    throw err;
  });
  const ready = JSON.parse(readyLine.slice('READY '.length)) as Record<string, string>;
  return Object.assign(p, {
    name: ready['name']!,
    mqtt: splitHostPort(ready['mqtt']!),
    http: splitHostPort(ready['http']!),
    ready,
  });
}
