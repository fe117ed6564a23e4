/**
 * The stand-in node process for real: PROXY v1/v2 headers (node3 trusts them), the TLS listener (node1), SIGTERM,
 * SIGKILL and restart, and the node program's own arguments and exit codes (cluster: test/helpers/standin-cluster.ts,
 * on its own addresses). Build first: npm run build.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { waitFor, withTimeout } from '../../harness/util/wait.js';
import { killProcess, nodeScriptPath, startNode, startProcess } from '../helpers/standin-processes.js';
import {
  CONNACK_ACCEPTED,
  closeAllClients,
  connectPacket,
  httpJson,
  openConnected,
  proxyV1Header,
  proxyV2Header,
  rawExchange,
  waitForMessages,
} from '../helpers/mqtt-clients.js';
import { HEARTBEAT_MS, useStandinCluster } from '../helpers/standin-cluster.js';

const { IPS, nodes, node, nodeArgs, nodesSeenBy, clientsSeenBy, mqttOf, redisPort, tlsCert } =
  useStandinCluster('127.0.249');

describe('stand-in cluster (3 aedes nodes over one Redis)', () => {
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
      ca: readFileSync(tlsCert()),
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
    expect(p.stderr()).toMatch(/cannot listen on 127\.0\.249\.1:(1883|18083) \((MQTT|HTTP API)\): EADDRINUSE/);
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
      `127.0.0.1:${redisPort()}`,
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
