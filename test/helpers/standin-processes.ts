/**
 * Test support: a real redis-server and real stand-in node processes on loopback, started and
 * stopped with deadlines. Used by test/integration/standin*.test.ts. The process and node starters are the
 * bench's (bench/proxy/processes.ts), re-exported here.
 */
import { createServer, Socket } from 'node:net';
import { waitFor, withTimeout } from '../../harness/util/wait.js';
import { startProcess, type Proc } from '../../bench/proxy/processes.js';
import { redisFabricArgs } from '../../harness/local/redis.js';

export {
  killProcess,
  nodeScriptPath,
  startNode,
  startProcess,
  type NodeProc,
  type Proc,
} from '../../bench/proxy/processes.js';

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
  const p = startProcess('redis-server', redisFabricArgs('127.0.0.1', port));
  await waitFor(
    () => (p.isRunning() ? redisPing(port) : Promise.reject(new Error(`redis-server exited: ${p.stdout()}`))),
    {
      timeoutMs: 5000,
      what: `redis-server on 127.0.0.1:${port}`,
    },
  );
  return Object.assign(p, { port });
}

/** A stand-in node's command line on the test ports (MQTT 1883, HTTP 18083 on its own loopback address). */
export function standinNodeArgs(o: {
  name: string;
  bind: string;
  redisPort: number;
  heartbeatMs: number;
  extra?: readonly string[];
}): string[] {
  return [
    '--name',
    o.name,
    '--bind',
    o.bind,
    '--mqtt-port',
    '1883',
    '--http-port',
    '18083',
    '--redis',
    `127.0.0.1:${o.redisPort}`,
    '--heartbeat-ms',
    String(o.heartbeatMs),
    ...(o.extra ?? []),
  ];
}
