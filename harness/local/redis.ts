/** The Redis server the stand-in nodes share: no persistence, no pub/sub output-buffer limit (aedes-standin P4). */
import net from 'node:net';
import { ManagedProcess } from '../proc/child.js';
import type { RunDir } from '../proc/run-dir.js';
import { freePort } from '../net/ports.js';

export interface RedisHandle {
  host: string;
  port: number;
  process: ManagedProcess;
}

/** Sends one inline command and resolves with the first reply line. */
export function redisCommand(host: string, port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buf = '';
    const finish = (err?: Error): void => {
      socket.destroy();
      if (err) reject(err);
      else resolve(buf.split('\r\n')[0] ?? '');
    };
    const onConnect = (): void => void socket.write(`${command}\r\n`);
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) finish();
    };
    const onError = (err: Error): void => finish(err);
    const onTimeout = (): void => finish(new Error(`redis ${host}:${port} did not answer ${command}`));
    socket.setTimeout(timeoutMs, onTimeout);
    socket.once('connect', onConnect);
    socket.on('data', onData);
    socket.once('error', onError);
  });
}

/** redis-server arguments for the stand-in fabric on host:port (also the benches' nodes share one). */
export function redisFabricArgs(host: string, port: number): string[] {
  return [
    '--bind',
    host,
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--client-output-buffer-limit',
    'pubsub 0 0 0',
    '--protected-mode',
    'no',
  ];
}

export async function startRedis(runDir: RunDir, host = '127.0.0.1'): Promise<RedisHandle> {
  const port = await freePort(host);
  const proc = new ManagedProcess(
    {
      name: 'redis',
      command: 'redis-server',
      aptPackage: 'redis-server',
      args: [
        ...redisFabricArgs(host, port),
        // keep the environment readable: it carries the run id that proves the process is ours
        '--set-proc-title',
        'no',
        '--dir',
        runDir.dir('redis'),
        '--logfile',
        '',
      ],
    },
    runDir,
  );
  await proc.start();
  await proc.waitReady(
    // a refused PING means not listening yet
    async () => (await redisCommand(host, port, 'PING').catch(() => '')) === '+PONG',
    10_000,
    'answer PING',
  );
  return { host, port, process: proc };
}
