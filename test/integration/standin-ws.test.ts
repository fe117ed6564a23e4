/**
 * The stand-in's MQTT over WebSocket listener for real: one redis-server and two node processes from
 * dist/standin/node.js on 127.0.252.1-2 with --ws-port (node2 also --trust-proxy), checked with the real mqtt.js
 * client over ws://…/mqtt, raw HTTP requests and a PROXY header in front of the upgrade. Build first: npm run build.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import net from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { waitFor, withTimeout } from '../../harness/util/wait.js';
import {
  killProcess,
  standinNodeArgs,
  startNode,
  startRedis,
  type NodeProc,
  type RedisProc,
} from '../helpers/standin-processes.js';
import { httpJson, proxyV1Header } from '../helpers/mqtt-clients.js';
import type { ClientRow } from '../../standin/client-info.js';

const IPS = ['127.0.252.1', '127.0.252.2'] as const;
const WS_PORT = 8083;

let redis: RedisProc | undefined;
const nodes: NodeProc[] = [];
const clients: MqttClient[] = [];
const node = (i: 1 | 2): NodeProc => nodes[i - 1]!;

const nodeArgs = (i: 1 | 2, extra: string[] = []): string[] =>
  standinNodeArgs({
    name: `node${i}`,
    bind: IPS[i - 1],
    redisPort: redis!.port,
    heartbeatMs: 500,
    extra: ['--ws-port', String(WS_PORT), ...extra],
  });

/** Connects with mqtt.js and resolves on CONNACK; rejects on error or after 5 s. */
async function connect(url: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  clients.push(client);
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error(`${url} closed before CONNACK`)));
    }),
    5000,
    `CONNACK over ${url}`,
  );
  return client;
}

async function clientRow(i: 1 | 2, clientId: string): Promise<ClientRow> {
  return waitFor(
    async () => {
      const r = await httpJson<ClientRow>(node(i).http, `/api/v5/clients/${clientId}`);
      return r.status === 200 ? r.body : undefined;
    },
    { timeoutMs: 5000, what: `${clientId} in node${i}'s client list` },
  );
}

/** A plain HTTP request to the ws listener: status and body. */
function httpGet(
  host: string,
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = http.get({ host, port, path, headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    }),
    5000,
    `GET ${path}`,
  );
}

beforeAll(async () => {
  redis = await startRedis();
  const env = { STANDIN_EXIT_WITH_PARENT: '1' };
  nodes.push(...(await Promise.all([startNode(nodeArgs(1), env), startNode(nodeArgs(2, ['--trust-proxy']), env)])));
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.end(true);
  await Promise.all(nodes.map((n) => killProcess(n)));
  await killProcess(redis);
});

describe('stand-in MQTT over WebSocket (ws://…:8083/mqtt)', () => {
  test('the READY line names the ws listener', () => {
    expect(node(1).ready['ws']).toBe(`${IPS[0]}:${WS_PORT}`);
    expect(node(2).ready['ws']).toBe(`${IPS[1]}:${WS_PORT}`);
  });

  test('a WebSocket client on node1 gets a message published over TCP on node2, listed as ws:default', async () => {
    const topic = `ws-test/${process.pid}/cross`;
    const sub = await connect(`ws://${IPS[0]}:${WS_PORT}/mqtt`, { clientId: 'ws-sub' });
    await new Promise<void>((resolve, reject) =>
      sub.subscribe(topic, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
    );
    const received: string[] = [];
    sub.on('message', (_t, payload) => received.push(payload.toString()));
    const pub = await connect(`mqtt://${IPS[1]}:1883`, { clientId: 'tcp-pub' });
    // The subscription reaches node2 through Redis asynchronously: publish until the message arrives.
    const payload = await waitFor(
      async () => {
        if (received.length) return received[0];
        await pub.publishAsync(topic, 'over ws', { qos: 1 });
        return undefined;
      },
      { timeoutMs: 5000, intervalMs: 200, what: 'the message on the WebSocket subscriber' },
    );
    expect(payload).toBe('over ws');
    const row = await clientRow(1, 'ws-sub');
    expect(row.listener).toBe('ws:default');
    expect(row.ip_address).toBe('127.0.0.1');
    expect(row.node).toBe('node1');
  });

  test('other paths get 404, /mqtt without an upgrade gets 400, an upgrade elsewhere is refused; each is logged', async () => {
    const other = await httpGet(IPS[0], WS_PORT, '/');
    expect(other.status).toBe(404);
    expect(other.body).toContain('/mqtt');
    const plain = await httpGet(IPS[0], WS_PORT, '/mqtt');
    expect(plain.status).toBe(400);
    const upgrade = await httpGet(IPS[0], WS_PORT, '/ws', {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Protocol': 'mqtt',
    });
    expect(upgrade.status).toBe(404);
    await expect(connect(`ws://${IPS[0]}:${WS_PORT}/ws`, { clientId: 'wrong-path' })).rejects.toThrow();
    await waitFor(
      () => {
        const events = node(1)
          .stderr()
          .split('\n')
          .filter((l) => l.includes('"ws.rejected"'));
        return events.length >= 4 ? events : undefined;
      },
      { timeoutMs: 5000, what: 'four ws.rejected events on node1' },
    );
    expect(node(1).stderr()).toContain('"path":"/ws"');
  });

  test('with --trust-proxy a PROXY v1 header before the upgrade gives the real client address; without one it works too', async () => {
    const header = proxyV1Header('203.0.113.7', 40001, IPS[1], WS_PORT);
    const viaProxy = await connect(`ws://${IPS[1]}:${WS_PORT}/mqtt`, {
      clientId: 'ws-proxied',
      wsOptions: {
        createConnection: () => {
          const socket = net.connect({ host: IPS[1], port: WS_PORT });
          socket.write(header);
          return socket;
        },
      },
    });
    expect(viaProxy.connected).toBe(true);
    const row = await clientRow(2, 'ws-proxied');
    expect(row.ip_address).toBe('203.0.113.7');
    expect(row.port).toBe(40001);
    expect(row.proxy).toBe(1);
    expect(row.listener).toBe('ws:default');
    await connect(`ws://${IPS[1]}:${WS_PORT}/mqtt`, { clientId: 'ws-direct' });
    expect((await clientRow(2, 'ws-direct')).ip_address).toBe('127.0.0.1');
  });

  test('with --trust-proxy X-Forwarded-For gives the client address (HAProxy `option forwardfor`)', async () => {
    await connect(`ws://${IPS[1]}:${WS_PORT}/mqtt`, {
      clientId: 'ws-forwarded',
      wsOptions: { headers: { 'X-Forwarded-For': '198.51.100.9' } },
    });
    expect((await clientRow(2, 'ws-forwarded')).ip_address).toBe('198.51.100.9');
  });
});
