/**
 * The stand-in cluster of the standin-*.test.ts files: one redis-server and three node processes from
 * dist/standin/node.js on <subnet>.1-3 (node3 with --trust-proxy, node1 with a TLS listener), started in beforeAll.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  killProcess,
  standinNodeArgs,
  startNode,
  startRedis,
  type NodeProc,
  type RedisProc,
} from './standin-processes.js';
import { closeAllClients, httpJson } from './mqtt-clients.js';
import type { ClientRow } from '../../standin/client-info.js';
import type { NodeRow } from '../../standin/cluster-view.js';

export const HEARTBEAT_MS = 500;

/** Registers the cluster's beforeAll/afterAll; `subnet` (e.g. '127.0.250') keeps test files off each other's addresses. */
export function useStandinCluster(subnet: string) {
  const IPS = [`${subnet}.1`, `${subnet}.2`, `${subnet}.3`] as const;

  let redis: RedisProc | undefined;
  const nodes: NodeProc[] = [];
  let tlsDir = '';

  const node = (i: 1 | 2 | 3): NodeProc => nodes[i - 1]!;
  const nodeArgs = (i: number, extra: string[] = []): string[] =>
    standinNodeArgs({ name: `node${i}`, bind: IPS[i - 1]!, redisPort: redis!.port, heartbeatMs: HEARTBEAT_MS, extra });
  const nodesSeenBy = async (i: 1 | 2 | 3): Promise<NodeRow[]> =>
    (await httpJson<NodeRow[]>(node(i).http, '/api/v5/nodes')).body;
  const clientsSeenBy = async (i: 1 | 2 | 3, query = ''): Promise<ClientRow[]> =>
    (await httpJson<{ data: ClientRow[] }>(node(i).http, `/api/v5/clients${query}`)).body.data;
  const mqttOf = (i: 1 | 2 | 3): [string, number] => [node(i).mqtt.host, node(i).mqtt.port];

  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'standin-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=standin-test',
        '-addext',
        `subjectAltName=IP:${IPS[0]}`,
        '-keyout',
        join(tlsDir, 'key.pem'),
        '-out',
        join(tlsDir, 'cert.pem'),
      ],
      { stdio: 'ignore', timeout: 10_000 },
    );
    redis = await startRedis();
    const env = { STANDIN_EXIT_WITH_PARENT: '1' };
    const tls = ['--tls-port', '8883', '--tls-cert', join(tlsDir, 'cert.pem'), '--tls-key', join(tlsDir, 'key.pem')];
    nodes.push(
      ...(await Promise.all([
        startNode(nodeArgs(1, tls), env),
        startNode(nodeArgs(2), env),
        startNode(nodeArgs(3, ['--trust-proxy']), env),
      ])),
    );
  }, 30_000);

  afterAll(async () => {
    closeAllClients();
    if (process.env['STANDIN_TEST_LOG_DIR']) {
      for (const n of nodes) writeFileSync(join(process.env['STANDIN_TEST_LOG_DIR'], `${n.name}.log`), n.stderr());
    }
    await Promise.all(nodes.map((n) => killProcess(n)));
    await killProcess(redis);
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  });

  return {
    IPS,
    nodes,
    node,
    nodeArgs,
    nodesSeenBy,
    clientsSeenBy,
    mqttOf,
    redisPort: (): number => redis!.port,
    tlsCert: (): string => join(tlsDir, 'cert.pem'),
  };
}
