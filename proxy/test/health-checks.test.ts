/**
 * Integration: TS-proxy's health checks (MQTT and HTTP) mark real aedes brokers DOWN and UP, on loopback.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import http from 'node:http';
import { startBroker, type TestBroker } from './helpers/brokers.js';
import { endAll, mqttConnect } from './helpers/clients.js';
import { connectPacket } from './helpers/packets.js';
import { sendRaw, startProxy } from './helpers/proxy-env.js';
import { waitFor, withTimeout } from './helpers/wait.js';

let brokers: TestBroker[] = [];

beforeAll(async () => {
  brokers = await Promise.all(['b1', 'b2', 'b3'].map(startBroker));
});
afterAll(async () => {
  await Promise.all(brokers.map((b) => b.close()));
});

describe('health checks and server state', () => {
  test('a killed broker is marked DOWN (logged with timestamp), traffic avoids it, and it comes back UP after rise', async () => {
    const victim = await startBroker('victim');
    const yaml = `
frontends: [{ name: mqtt, bind: "127.0.0.1:0", backend: nodes }]
backends:
  - name: nodes
    balance: roundrobin
    on_marked_down: shutdown-sessions
    health: { type: mqtt, inter: 100ms, fall: 2, rise: 3, timeout: 500ms }
    servers:
      - { name: victim, address: "${victim.address}" }
      - { name: ${brokers[1].name}, address: "${brokers[1].address}" }
`;
    const env = await startProxy(yaml);
    try {
      await waitFor(() => env.proxy.servers().every((s) => s.checkStatus === 'L7OK'), 'checks ok');
      await victim.kill();
      const down = await env.waitForLog(
        (l) => l.event === 'server-state' && l.server === 'victim' && l.to === 'DOWN',
        'DOWN line',
      );
      expect(down).toMatchObject({
        level: 'warn',
        backend: 'nodes',
        from: 'UP',
        // refused, closed mid-check, or — on a loaded machine, a check in flight at the kill — timed out
        checkStatus: expect.stringMatching(/^(L4CON|L7RSP|L7TOUT)$/),
      });
      expect(Date.parse(down.ts)).toBeGreaterThan(0);
      const clients: MqttClient[] = [];
      for (let i = 0; i < 4; i++) clients.push(await mqttConnect(env.port(), { clientId: `avoid-${i}` }));
      expect(env.proxy.servers().map((s) => [s.name, s.status, s.current])).toEqual([
        ['victim', 'DOWN', 0],
        [brokers[1].name, 'UP', 4],
      ]);
      await victim.restart();
      const up = await env.waitForLog(
        (l) => l.event === 'server-state' && l.server === 'victim' && l.to === 'UP',
        'UP line',
      );
      expect(Date.parse(up.ts) - Date.parse(down.ts)).toBeGreaterThanOrEqual(250); // rise 3 × inter 100ms
      expect(env.proxy.servers()[0]).toMatchObject({ status: 'UP', checkStatus: 'L7OK', downTransitions: 1 });
      await endAll(clients);
    } finally {
      await env.stop();
      await victim.close();
    }
  });

  test('http check (2xx + body) marks a server DOWN and shutdown-sessions closes its sessions', async () => {
    let healthy = true;
    const statusServer = http.createServer((_req, res) => {
      res.writeHead(healthy ? 200 : 503);
      res.end(healthy ? 'Node emqx@n1 is started' : 'Node emqx@n1 is stopped');
    });
    await new Promise<void>((r) => statusServer.listen(0, '127.0.0.1', () => r()));
    const statusPort = (statusServer.address() as { port: number }).port;
    const yaml = `
frontends: [{ name: mqtt, bind: "127.0.0.1:0", backend: nodes }]
backends:
  - name: nodes
    on_marked_down: shutdown-sessions
    health: { type: http, port: ${statusPort}, path: /status, expect_body: "is started", inter: 100ms, fall: 1, rise: 1 }
    servers:
      - { name: n1, address: "${brokers[2].address}" }
`;
    const env = await startProxy(yaml);
    try {
      await waitFor(() => env.proxy.servers()[0].checkStatus === 'L7OK', 'http check ok');
      const c = await mqttConnect(env.port(), { clientId: 'doomed' });
      const closed = new Promise<void>((r) => c.once('close', () => r()));
      healthy = false;
      await withTimeout(closed, 3_000, 'client closed by shutdown-sessions');
      const line = await env.waitForLog((l) => l.event === 'close' && l.clientId === 'doomed', 'close line');
      expect(line).toMatchObject({ reason: 'server-down', server: 'n1' });
      expect(env.proxy.servers()[0]).toMatchObject({ status: 'DOWN', checkStatus: 'L7STS', current: 0 });
      const refused = await sendRaw(env.port(), connectPacket({ clientId: 'refused' }));
      expect(refused).toMatchObject({ closed: true, received: Buffer.alloc(0) });
      await env.waitForLog(
        (l) => l.event === 'close' && l.clientId === 'refused' && l.reason === 'no-server',
        'no-server line',
      );
    } finally {
      await env.stop();
      statusServer.close();
    }
  });
});
