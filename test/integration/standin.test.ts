/**
 * The stand-in cluster for real: one redis-server and three node processes from dist/standin/node.js
 * on 127.0.250.1-3 (node3 with --trust-proxy, node1 with a TLS listener), checked with real MQTT clients,
 * raw sockets and the EMQX-v5-shaped HTTP API. Build first: npm run build.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor, withTimeout } from '../../harness/util/wait.js';
import {
  killProcess,
  nodeScriptPath,
  startNode,
  startProcess,
  startRedis,
  type NodeProc,
  type RedisProc,
} from '../helpers/standin-processes.js';
import {
  CONNACK_ACCEPTED,
  closeAllClients,
  connectPacket,
  httpJson,
  openClient,
  openConnected,
  proxyV1Header,
  proxyV2Header,
  rawExchange,
  waitForMessages,
} from '../helpers/mqtt-clients.js';
import type { ClientRow } from '../../standin/client-info.js';
import type { NodeRow } from '../../standin/cluster-view.js';

const HEARTBEAT_MS = 500;
const IPS = ['127.0.250.1', '127.0.250.2', '127.0.250.3'] as const;

let redis: RedisProc | undefined;
const nodes: NodeProc[] = [];
let tlsDir = '';

const node = (i: 1 | 2 | 3): NodeProc => nodes[i - 1]!;
const nodeArgs = (i: number, extra: string[] = []): string[] => [
  '--name',
  `node${i}`,
  '--bind',
  IPS[i - 1]!,
  '--mqtt-port',
  '1883',
  '--http-port',
  '18083',
  '--redis',
  `127.0.0.1:${redis!.port}`,
  '--heartbeat-ms',
  String(HEARTBEAT_MS),
  ...extra,
];
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

describe('stand-in cluster (3 aedes nodes over one Redis)', () => {
  test('status, login and unknown paths answer like EMQX', async () => {
    const text = await httpJson<string>(node(1).http, '/status');
    expect(text).toMatchObject({ status: 200, body: 'Node node1 is started\nemqx is running' });
    expect(text.type).toContain('text/plain');
    expect((await httpJson(node(2).http, '/api/v5/status?format=json')).body).toEqual({
      node_name: 'node2',
      rel_vsn: 'stand-in/aedes-1.2.0',
      broker_status: 'started',
      app_status: 'running',
    });
    expect((await httpJson(node(1).http, '/api/v5/login', 'POST')).body).toMatchObject({ token: 'standin' });
    expect(await httpJson(node(1).http, '/api/v5/nope')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await httpJson(node(1).http, '/api/v5/nodes/node9')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    expect((await httpJson(node(1).http, '/api/v5/nodes/node3')).body).toMatchObject({
      node: 'node3',
      node_status: 'running',
    });
    expect(await httpJson(node(1).http, '/api/v5/clients?node=node9')).toMatchObject({
      status: 500,
      body: { code: 'NODE_DOWN' },
    });
  });

  test('every node lists all three running, with live_connections per node', async () => {
    const a = await openConnected(...mqttOf(1), { clientId: 'count-a' });
    await openConnected(...mqttOf(1), { clientId: 'count-b' });
    await openConnected(...mqttOf(2), { clientId: 'count-c' });
    for (const i of [1, 2, 3] as const) {
      await waitFor(
        async () => {
          const rows = await nodesSeenBy(i);
          const live = Object.fromEntries(rows.map((r) => [r.node, `${r.node_status}/${r.live_connections}`]));
          return JSON.stringify(live) === JSON.stringify({ node1: 'running/2', node2: 'running/1', node3: 'running/0' })
            ? rows
            : undefined;
        },
        { timeoutMs: 3000, what: `node${i}'s /api/v5/nodes to show 2/1/0 live connections` },
      );
    }
    const row = (await nodesSeenBy(3)).find((r) => r.node === 'node1')!;
    expect(row).toMatchObject({ edition: 'stand-in', version: 'stand-in/aedes-1.2.0', connections: 2 });
    expect(row.uptime).toBeGreaterThan(0);

    const all = await waitFor(
      async () => {
        const rows = await clientsSeenBy(3);
        return rows.length === 3 ? rows : undefined;
      },
      { timeoutMs: 3000, what: 'node3 to list 3 clients' },
    );
    expect(all.map((r) => `${r.clientid}@${r.node}`)).toEqual(['count-a@node1', 'count-b@node1', 'count-c@node2']);
    const stream = a.client.stream as unknown as { localAddress: string; localPort: number };
    expect(all[0]).toMatchObject({
      ip_address: stream.localAddress,
      port: stream.localPort,
      connected: true,
      proto_ver: 4,
      keepalive: 60,
      clean_start: true,
    });
    expect((await clientsSeenBy(2, '?node=node1')).map((r) => r.clientid)).toEqual(['count-a', 'count-b']);
    expect((await clientsSeenBy(1, '?clientid=count-c&clientid=count-a')).map((r) => r.clientid)).toEqual([
      'count-a',
      'count-c',
    ]);
    const paged = await httpJson<{ data: ClientRow[]; meta: unknown }>(node(2).http, '/api/v5/clients?limit=2&page=2');
    expect(paged.body.meta).toEqual({ page: 2, limit: 2, count: 3, hasnext: false });
    expect((await httpJson(node(3).http, `/api/v5/clients/${encodeURIComponent('count-b')}`)).body).toMatchObject({
      clientid: 'count-b',
      node: 'node1',
    });
    expect(await httpJson(node(3).http, '/api/v5/clients/nobody')).toMatchObject({
      status: 404,
      body: { code: 'CLIENTID_NOT_FOUND', message: 'Client ID not found' },
    });

    closeAllClients();
    await waitFor(async () => (await nodesSeenBy(2)).every((r) => r.live_connections === 0), {
      timeoutMs: 3000,
      what: 'live_connections back to 0',
    });
    expect(await clientsSeenBy(2)).toEqual([]);
  });

  test('cross-node delivery at QoS 0, 1 and 2', async () => {
    const sub = await openConnected(...mqttOf(1), { clientId: 'xsub' });
    await sub.client.subscribeAsync('x/#', { qos: 2 });
    const pub = await openConnected(...mqttOf(2), { clientId: 'xpub' });
    for (const qos of [0, 1, 2] as const) {
      for (let n = 0; n < 20; n++) await pub.client.publishAsync(`x/q${qos}`, `${qos}-${n}`, { qos });
    }
    const got = await waitForMessages(sub, 60, '60 cross-node messages');
    for (const qos of [0, 1, 2]) {
      const mine = got.filter((m) => m.topic === `x/q${qos}`);
      expect(mine.map((m) => m.payload)).toEqual(Array.from({ length: 20 }, (_, n) => `${qos}-${n}`));
      expect(mine.every((m) => m.qos === qos)).toBe(true);
    }
    closeAllClients();
  });

  test('a retained message published on node1 reaches a new subscriber on node3', async () => {
    const pub = await openConnected(...mqttOf(1), { clientId: 'rpub' });
    await pub.client.publishAsync('r/a', 'kept', { qos: 1, retain: true });
    const sub = await openConnected(...mqttOf(3), { clientId: 'rsub' });
    await sub.client.subscribeAsync('r/#', { qos: 1 });
    const [m] = await waitForMessages(sub, 1, 'retained message on node3');
    expect(m).toMatchObject({ topic: 'r/a', payload: 'kept', retain: true });
    await pub.client.publishAsync('r/a', '', { qos: 1, retain: true });
    closeAllClients();
  });

  test('the Will of an abruptly closed client reaches a watcher on another node', async () => {
    const watcher = await openConnected(...mqttOf(2), { clientId: 'wwatch' });
    await watcher.client.subscribeAsync('will/#', { qos: 1 });
    const victim = await openConnected(...mqttOf(1), {
      clientId: 'wvictim',
      will: { topic: 'will/wvictim', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    victim.client.stream.destroy();
    const [m] = await waitForMessages(watcher, 1, 'Will on node2');
    expect(m).toMatchObject({ topic: 'will/wvictim', payload: 'gone' });
    closeAllClients();
  });

  test('the same client id on another node takes over the connection', async () => {
    const first = await openConnected(...mqttOf(1), { clientId: 'takeover' });
    await openConnected(...mqttOf(2), { clientId: 'takeover' });
    await waitFor(() => first.closed(), { timeoutMs: 3000, what: 'the first connection to be closed' });
    await waitFor(
      async () => {
        const rows = await clientsSeenBy(3, '?clientid=takeover');
        return rows.length === 1 && rows[0]!.node === 'node2';
      },
      { timeoutMs: 3000, what: 'takeover listed only on node2' },
    );
    closeAllClients();
  });

  test('a persistent session resumes on another node with its queued messages', async () => {
    const pub = await openConnected(...mqttOf(3), { clientId: 'ppub' });
    await pub.client.subscribeAsync('p/#', { qos: 0 });
    const s1 = await openConnected(...mqttOf(1), { clientId: 'persist', clean: false });
    await s1.client.subscribeAsync('p/q', { qos: 1 });
    // node3 learns of the subscription through Redis; a marker sent after it proves node3 has it.
    await s1.client.publishAsync('p/sync', 'marker', { qos: 0 });
    await waitForMessages(pub, 1, 'the sync marker on node3');
    await s1.client.endAsync();
    for (let n = 0; n < 3; n++) await pub.client.publishAsync('p/q', `m${n}`, { qos: 1 });
    // PUBACK precedes routing (P5): wait until the messages went through Redis, or node2 might route them live too.
    await waitForMessages(pub, 4, 'the publisher to get its own messages back through Redis');
    const s2 = openClient(...mqttOf(2), { clientId: 'persist', clean: false });
    expect(await s2.connected).toBe(true);
    const got = await waitForMessages(s2, 3, 'queued messages on node2');
    expect(got.map((m) => m.payload)).toEqual(['m0', 'm1', 'm2']);
    closeAllClients();
  });

  test('DELETE /api/v5/clients/{id} on node3 kicks a client of node2 and its Will goes out', async () => {
    const watcher = await openConnected(...mqttOf(1), { clientId: 'kwatch' });
    await watcher.client.subscribeAsync('will/#', { qos: 1 });
    const target = await openConnected(...mqttOf(2), {
      clientId: 'kick/me',
      will: { topic: 'will/kick', payload: Buffer.from('kicked'), qos: 1, retain: false },
    });
    const path = `/api/v5/clients/${encodeURIComponent('kick/me')}`;
    await waitFor(async () => (await httpJson(node(3).http, path)).status === 200, {
      timeoutMs: 3000,
      what: 'node3 to see kick/me',
    });
    expect((await httpJson(node(3).http, path, 'DELETE')).status).toBe(204);
    await waitFor(() => target.closed(), { timeoutMs: 3000, what: 'the kicked client to be closed' });
    expect((await waitForMessages(watcher, 1, 'Will of the kicked client'))[0]).toMatchObject({
      topic: 'will/kick',
      payload: 'kicked',
    });
    await waitFor(async () => (await httpJson(node(3).http, path)).status === 404, {
      timeoutMs: 3000,
      what: 'kick/me gone',
    });
    expect(await httpJson(node(3).http, path, 'DELETE')).toMatchObject({
      status: 404,
      body: { code: 'CLIENTID_NOT_FOUND' },
    });
    closeAllClients();
  });

  test('PROXY v2 and v1 headers give the real client address; header-less clients still work', async () => {
    const [host, port] = mqttOf(3);
    for (const [id, header, ip, srcPort] of [
      ['proxy-v2', proxyV2Header('192.0.2.7', 41234, host, port), '192.0.2.7', 41234],
      ['proxy-v1', proxyV1Header('192.0.2.8', 41235, host, port), '192.0.2.8', 41235],
    ] as const) {
      const ex = await rawExchange(host, port, Buffer.concat([header, connectPacket(id)]), (r) => r.length >= 4);
      expect(ex.reply.subarray(0, 4)).toEqual(CONNACK_ACCEPTED);
      const row = await waitFor(async () => (await clientsSeenBy(1, `?clientid=${id}`))[0], {
        timeoutMs: 3000,
        what: `${id} listed`,
      });
      expect(row).toMatchObject({ node: 'node3', ip_address: ip, port: srcPort, proxy: id === 'proxy-v2' ? 2 : 1 });
      ex.socket.destroy();
    }
    const plain = await openConnected(host, port, { clientId: 'no-header' });
    expect(plain.closed()).toBe(false);
    closeAllClients();
  });

  test('malformed PROXY headers are dropped without crashing the node', async () => {
    const [host, port] = mqttOf(3);
    const bad = [
      Buffer.from('PROXY GARBAGE here\r\n'),
      Buffer.from('0d0a0d0a000d0a515549540a2111', 'hex'), // v2 signature, cut short
      Buffer.concat([Buffer.from('PROXY TCP4 1.2.3.4'), Buffer.alloc(120, 0x41)]), // v1 without CRLF
    ];
    for (const bytes of bad) {
      const ex = await rawExchange(host, port, bytes, () => false, 3000);
      expect(ex.closedByServer).toBe(true);
      expect(ex.reply.length).toBe(0);
    }
    expect(node(3).isRunning()).toBe(true);
    expect((await httpJson(node(3).http, '/status')).status).toBe(200);
    await openConnected(host, port, { clientId: 'after-bad-proxy' });
    closeAllClients();
  });

  test('MQTT over TLS on node1 is listed with the ssl listener', async () => {
    expect(node(1).ready['tls']).toBe(`${IPS[0]}:8883`);
    await openConnected(IPS[0], 8883, {
      protocol: 'mqtts',
      clientId: 'tls-client',
      ca: readFileSync(join(tlsDir, 'cert.pem')),
      rejectUnauthorized: true,
    });
    const row = await waitFor(async () => (await clientsSeenBy(2, '?clientid=tls-client'))[0], {
      timeoutMs: 3000,
      what: 'tls-client listed',
    });
    expect(row).toMatchObject({ node: 'node1', listener: 'ssl:default' });
    closeAllClients();
  });

  test("SIGTERM delivers the Wills of the node's clients and marks it stopped", async () => {
    const watcher = await openConnected(...mqttOf(1), { clientId: 'twatch' });
    await watcher.client.subscribeAsync('will/#', { qos: 1 });
    await openConnected(...mqttOf(2), {
      clientId: 'tvictim',
      will: { topic: 'will/term', payload: Buffer.from('term'), qos: 1, retain: false },
    });
    node(2).proc.kill('SIGTERM');
    expect(await withTimeout(node(2).exited, 6000, 'node2 to exit after SIGTERM')).toBe(0);
    expect((await waitForMessages(watcher, 1, 'Will after SIGTERM'))[0]).toMatchObject({
      topic: 'will/term',
      payload: 'term',
    });
    const rows = await nodesSeenBy(1);
    expect(rows.find((r) => r.node === 'node2')).toEqual({ node: 'node2', node_status: 'stopped', role: 'core' });
    expect(await clientsSeenBy(1, '?clientid=tvictim')).toEqual([]);
    expect(await httpJson(node(1).http, '/api/v5/clients?node=node2')).toMatchObject({
      status: 500,
      body: { code: 'NODE_DOWN' },
    });
    closeAllClients();
  });

  test("after SIGKILL a node is reported stopped within a few heartbeats and its clients' Wills go out", async () => {
    const watcher = await openConnected(...mqttOf(1), { clientId: 'kwatch2' });
    await watcher.client.subscribeAsync('will/#', { qos: 1 });
    await openConnected(...mqttOf(3), {
      clientId: 'dead-victim',
      will: { topic: 'will/dead', payload: Buffer.from('dead'), qos: 1, retain: false },
    });
    await killProcess(node(3), 'SIGKILL');
    const killedAt = Date.now();
    await waitFor(async () => (await nodesSeenBy(1)).find((r) => r.node === 'node3')?.node_status === 'stopped', {
      timeoutMs: 6 * HEARTBEAT_MS + 1000,
      what: 'node1 to report node3 stopped',
    });
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(HEARTBEAT_MS);
    expect(await clientsSeenBy(1)).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ clientid: 'dead-victim' })]),
    );
    const [will] = await waitForMessages(watcher, 1, "Will of a killed node's client", 12 * HEARTBEAT_MS + 3000);
    expect(will).toMatchObject({ topic: 'will/dead', payload: 'dead' });
    closeAllClients();
  });

  test('a killed node restarted at once publishes the Wills its predecessor left behind', async () => {
    nodes[2] = await startNode(nodeArgs(3, ['--trust-proxy']), { STANDIN_EXIT_WITH_PARENT: '1' });
    const watcher = await openConnected(...mqttOf(1), { clientId: 'rwatch' });
    await watcher.client.subscribeAsync('will/#', { qos: 1 });
    await openConnected(...mqttOf(3), {
      clientId: 'restart-victim',
      will: { topic: 'will/restart', payload: Buffer.from('again'), qos: 1, retain: false },
    });
    await killProcess(node(3), 'SIGKILL');
    // Peers never publish these Wills: the restarted node heartbeats under the same broker id.
    nodes[2] = await startNode(nodeArgs(3, ['--trust-proxy']), { STANDIN_EXIT_WITH_PARENT: '1' });
    const [will] = await waitForMessages(watcher, 1, 'Will published by the restarted node', 3000);
    expect(will).toMatchObject({ topic: 'will/restart', payload: 'again' });
    await waitFor(async () => (await nodesSeenBy(1)).find((r) => r.node === 'node3')?.node_status === 'running', {
      timeoutMs: 3000,
      what: 'node3 running again',
    });
    expect(await clientsSeenBy(1, '?node=node3')).toEqual([]);
    closeAllClients();
  });
});

describe('stand-in node program', () => {
  test('bad arguments print the usage and exit 2', async () => {
    const p = startProcess(process.execPath, [nodeScriptPath(), '--name', 'x', '--bind', 'not-an-ip']);
    expect(await withTimeout(p.exited, 5000, 'exit on bad args')).toBe(2);
    expect(p.stderr()).toMatch(/--bind must be an IP address.*\nusage: /s);
  });

  test('a busy address makes it exit 1 with one line naming the address', async () => {
    const p = startProcess(process.execPath, [
      nodeScriptPath(),
      ...nodeArgs(1).map((a) => (a === 'node1' ? 'node1b' : a)),
    ]);
    expect(await withTimeout(p.exited, 8000, 'exit on EADDRINUSE')).toBe(1);
    expect(p.stderr()).toMatch(/cannot listen on 127\.0\.250\.1:(1883|18083) \((MQTT|HTTP API)\): EADDRINUSE/);
  });

  test('with STANDIN_EXIT_WITH_PARENT=1 it exits when its parent dies', async () => {
    const script = `
      const { spawn } = require('node:child_process');
      const c = spawn(process.execPath, process.argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, STANDIN_EXIT_WITH_PARENT: '1' } });
      c.stdout.on('data', (d) => { if (String(d).startsWith('READY')) { console.log(c.pid); process.exit(0); } });
      setTimeout(() => process.exit(3), 8000);`;
    const args = [
      '--name',
      'orphan',
      '--bind',
      IPS[0],
      '--mqtt-port',
      '0',
      '--http-port',
      '0',
      '--redis',
      `127.0.0.1:${redis!.port}`,
    ];
    const parent = startProcess(process.execPath, ['-e', script, nodeScriptPath(), ...args]);
    expect(await withTimeout(parent.exited, 10_000, 'intermediate parent to exit')).toBe(0);
    const pid = Number(parent.stdout().trim());
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      await waitFor(() => !alive(), { timeoutMs: 5000, what: `orphaned node pid ${pid} to exit` });
    } finally {
      if (pid > 0 && alive()) process.kill(pid, 'SIGKILL');
    }
  });
});
