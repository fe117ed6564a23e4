/**
 * The stand-in cluster for real, as clients and the API see it: the EMQX-v5-shaped HTTP API, node listing and
 * live connections, cross-node delivery, retained messages, Wills, takeover, persistent sessions and kicks,
 * checked with real MQTT clients (cluster: test/helpers/standin-cluster.ts). Build first: npm run build.
 */
import { describe, expect, test } from '@jest/globals';
import { waitFor } from '../../harness/util/wait.js';
import { closeAllClients, httpJson, openClient, openConnected, waitForMessages } from '../helpers/mqtt-clients.js';
import { useStandinCluster } from '../helpers/standin-cluster.js';
import type { ClientRow } from '../../standin/client-info.js';

const { node, nodesSeenBy, clientsSeenBy, mqttOf } = useStandinCluster('127.0.250');

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
});
