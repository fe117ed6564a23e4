/**
 * Test support: a real redis-server and real stand-in node processes on loopback, started and
 * stopped with deadlines. Used by test/integration/standin.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor, withTimeout } from '../../harness/util/wait.js';

/** dist/standin/node.js, whether this module runs from source (jest) or from dist. */
export function nodeScriptPath(): string {
  const here = fileURLToPath(import.meta.url);
  const root = here.replace(/\/(dist\/)?standin\/testing\/processes\.(ts|js)$/, '');
  return `${root}/dist/standin/node.js`;
}

export async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port from listen(0)');
  return address.port;
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

async function redisPing(port: number): Promise<boolean> {
  const socket = new Socket();
  try {
    return await withTimeout(
      new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.once('data', (d: Buffer) => resolve(d.toString().startsWith('+PONG')));
        socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      }),
      1000,
      'redis PING',
    );
  } finally {
    socket.destroy();
  }
}

export interface RedisProc extends Proc {
  port: number;
}

/** redis-server as the harness runs it: no persistence, no pubsub output-buffer limit (P4). */
export async function startRedis(): Promise<RedisProc> {
  const port = await freePort('127.0.0.1');
  const p = startProcess('redis-server', [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--client-output-buffer-limit',
    'pubsub 0 0 0',
  ]);
  await waitFor(
    () => (p.isRunning() ? redisPing(port) : Promise.reject(new Error(`redis-server exited: ${p.stdout()}`))),
    {
      timeoutMs: 5000,
      what: `redis-server on 127.0.0.1:${port}`,
    },
  );
  return Object.assign(p, { port });
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
