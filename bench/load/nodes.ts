/**
 * The bench:load topology on its own loopback block (127.0.235.0/24): redis .1 and three stand-in nodes .11–.13
 * (MQTT on free ports, TCP_NODELAY as EMQX), started up to READY and stopped with deadlines.
 */
import { redisCommand, redisFabricArgs } from '../../harness/local/redis.js';
import { freePort } from '../../harness/net/ports.js';
import { waitFor } from '../../harness/util/wait.js';
import { killProcess, startNode, startProcess, type NodeProc, type Proc } from '../proxy/processes.js';

export const BLOCK = '127.0.235';

export interface BenchNodes {
  nodes: NodeProc[];
  stop(): Promise<void>;
}

export async function startNodes(count: number, log: (line: string) => void): Promise<BenchNodes> {
  const procs: Proc[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(procs.map((p) => killProcess(p).catch(() => undefined)));
  };
  try {
    const redisHost = `${BLOCK}.1`;
    const redisPort = await freePort(redisHost);
    const redis = startProcess('redis-server', redisFabricArgs(redisHost, redisPort));
    procs.push(redis);
    await waitFor(async () => (await redisCommand(redisHost, redisPort, 'PING').catch(() => '')) === '+PONG', {
      timeoutMs: 10_000,
      what: 'redis-server PING',
    });
    log(`starting ${count} stand-in nodes on ${BLOCK}.11–${10 + count} …`);
    const nodes = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startNode(
          [
            '--name',
            `bload${i + 1}`,
            '--bind',
            `${BLOCK}.${11 + i}`,
            '--mqtt-port',
            '0',
            '--http-port',
            '0',
            '--redis',
            `${redisHost}:${redisPort}`,
          ],
          { STANDIN_EXIT_WITH_PARENT: '1' },
        ),
      ),
    );
    procs.push(...nodes);
    return { nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
