/**
 * Test fixture: a real haproxy started from a config text in the foreground (-db), stopped by its pid.
 * Used by the TLS tests; the deployment runtime has its own balancer management.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { waitFor } from '../../harness/util/wait.js';

export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

export interface HaproxyProcess {
  readonly pid: number;
  readonly configPath: string;
  /** stdout + stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves true when a TCP connection to host:port succeeds. */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(onDone, timeoutMs, false);
    function onDone(ok: boolean): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    }
    socket.once('connect', () => onDone(true));
    socket.once('error', () => onDone(false));
  });
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Writes `config` to `dir/haproxy.cfg`, checks it with `haproxy -c`, starts `haproxy -db -f`, and waits until every
 * port in `waitPorts` accepts TCP connections on 127.0.0.1.
 */
export async function startHaproxy(
  dir: string,
  config: string,
  waitPorts: number[],
  timeoutMs = 10_000,
): Promise<HaproxyProcess> {
  const configPath = join(dir, 'haproxy.cfg');
  await writeFile(configPath, config);
  let out = '';
  const child = spawn(HAPROXY_BIN, ['-db', '-f', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', (err) => {
      out += String(err);
      resolve(false);
    });
  });
  const proc: HaproxyProcess = {
    pid: child.pid ?? -1,
    configPath,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await waitExit(child, 3000))) {
        child.kill('SIGKILL');
        await waitExit(child, 3000);
      }
    },
  };
  if (!spawned) throw new Error(`cannot start ${HAPROXY_BIN}: ${out}`);
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${out}`);
        for (const port of waitPorts) if (!(await canConnect('127.0.0.1', port))) return false;
        return true;
      },
      { timeoutMs, intervalMs: 50, what: `haproxy listening on ${waitPorts.join(', ')}` },
    );
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\nhaproxy output:\n${out}`);
  }
  return proc;
}
