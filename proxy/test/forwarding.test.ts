/**
 * Integration: real aedes brokers and MQTT.js clients through TS-proxy on loopback (balancing, retries).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { startBroker, type TestBroker } from './helpers/brokers.js';
import { endAll, mqttConnect } from './helpers/clients.js';
import { startMiniBroker } from './helpers/mini-broker.js';
import { startProxy, type ProxyEnv } from './helpers/proxy-env.js';
import { waitFor, withTimeout } from './helpers/wait.js';

let brokers: TestBroker[] = [];

beforeAll(async () => {
  brokers = await Promise.all(['b1', 'b2', 'b3'].map(startBroker));
});
afterAll(async () => {
  await Promise.all(brokers.map((b) => b.close()));
});

function config(balance: string, extra = ''): string {
  return `
admin: { bind: "127.0.0.1:0" }
frontends:
  - { name: mqtt, bind: "127.0.0.1:0", backend: nodes }
backends:
  - name: nodes
    balance: ${balance}
    health: { type: mqtt, inter: 200ms, fall: 1, rise: 1, timeout: 1s }
${extra}
    servers:
${brokers.map((b) => `      - { name: ${b.name}, address: "${b.address}" }`).join('\n')}
`;
}

async function roundTrip(c: MqttClient): Promise<void> {
  await c.subscribeAsync('t/rt', { qos: 1 });
  const got = new Promise<string>((resolve) => c.once('message', (_t, p) => resolve(p.toString())));
  await c.publishAsync('t/rt', 'hello through the proxy', { qos: 1 });
  expect(await withTimeout(got, 3_000, 'message back')).toBe('hello through the proxy');
}

/** Which broker holds `clientId` right now. */
function ownerOf(clientId: string): string | undefined {
  return brokers.find((b) => b.clientIds().includes(clientId))?.name;
}

async function withProxy(yaml: string, fn: (env: ProxyEnv) => Promise<void>): Promise<void> {
  const env = await startProxy(yaml);
  try {
    await waitFor(() => env.proxy.servers().every((s) => s.checkStatus === 'L7OK'), 'first checks', 5_000);
    await fn(env);
  } finally {
    await env.stop();
  }
}

describe('forwarding through TS-proxy', () => {
  test('publish/subscribe round trip over 3.1.1 (aedes) with close log and byte counters', async () => {
    await withProxy(config('roundrobin'), async (env) => {
      const c = await mqttConnect(env.port(), { clientId: 'rt-4' });
      await roundTrip(c);
      await c.endAsync();
      const close = await env.waitForLog((l) => l.event === 'close', 'close line');
      expect(close).toMatchObject({
        event: 'close',
        level: 'info',
        frontend: 'mqtt',
        backend: 'nodes',
        clientId: 'rt-4',
        reason: 'client-fin',
      });
      expect(close.bytesIn).toBeGreaterThan(40);
      expect(close.bytesOut).toBeGreaterThan(10);
      expect(Date.parse(close.ts)).toBeGreaterThan(Date.now() - 60_000);
      const served = env.proxy.servers();
      expect(served.reduce((a, s) => a + s.total, 0)).toBe(1);
      expect(served.reduce((a, s) => a + s.bytesIn, 0)).toBe(close.bytesIn);
      expect(served.reduce((a, s) => a + s.bytesOut, 0)).toBe(close.bytesOut);
    });
  });

  test('publish/subscribe round trip over MQTT 5.0', async () => {
    const v5 = await startMiniBroker('v5');
    const env = await startProxy(`
frontends: [{ name: mqtt, bind: "127.0.0.1:0", backend: nodes }]
backends: [{ name: nodes, balance: clientid, health: { type: mqtt }, servers: [{ name: v5, address: "${v5.address}" }] }]
`);
    try {
      const c = await mqttConnect(env.port(), { clientId: 'rt-5', protocolVersion: 5 });
      await roundTrip(c);
      await c.endAsync();
      expect(v5.connects).toContainEqual({ clientId: 'rt-5', protocolVersion: 5 });
      const close = await env.waitForLog((l) => l.event === 'close', 'close line');
      expect(close).toMatchObject({ clientId: 'rt-5', server: 'v5', reason: 'client-fin' });
    } finally {
      await env.stop();
      await v5.close();
    }
  });

  test('roundrobin spreads 30 clients 10/10/10', async () => {
    await withProxy(config('roundrobin'), async (env) => {
      const clients: MqttClient[] = [];
      for (let i = 0; i < 30; i++) clients.push(await mqttConnect(env.port(), { clientId: `rr-${i}` }));
      await waitFor(
        () => brokers.every((b) => b.clientIds().filter((id) => id.startsWith('rr-')).length === 10),
        '10 per broker',
      );
      expect(env.proxy.servers().map((s) => s.current)).toEqual([10, 10, 10]);
      await endAll(clients);
    });
  });

  test('leastconn, source and random all spread and keep working', async () => {
    for (const balance of ['leastconn', 'random', 'source']) {
      await withProxy(config(balance), async (env) => {
        const clients: MqttClient[] = [];
        for (let i = 0; i < 12; i++) clients.push(await mqttConnect(env.port(), { clientId: `${balance}-${i}` }));
        const current = env.proxy.servers().map((s) => s.current);
        expect(current.reduce((a, b) => a + b, 0)).toBe(12);
        if (balance === 'leastconn') expect(current).toEqual([4, 4, 4]);
        if (balance === 'random') expect(Math.max(...current)).toBeLessThanOrEqual(6);
        if (balance === 'source') expect(current.filter((n) => n === 12)).toHaveLength(1); // one source address
        await endAll(clients);
      });
    }
  });

  test('clientid: a client id sticks to one broker across reconnects (3.1.1 persistent sessions); empty id uses the fallback', async () => {
    await withProxy(
      config('clientid', '    clientid: { inspect_timeout: 2s, fallback: roundrobin, balance_factor: 1.25 }'),
      async (env) => {
        const ids = Array.from({ length: 12 }, (_, i) => `sticky-${i}`);
        const holders: MqttClient[] = [];
        for (const id of ids) holders.push(await mqttConnect(env.port(), { clientId: id, clean: false }));
        await waitFor(() => ids.every((id) => ownerOf(id)), 'all ids connected');
        const first = new Map(ids.map((id) => [id, ownerOf(id)]));
        expect(new Set(first.values()).size).toBeGreaterThan(1);
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < ids.length; i++) {
            await holders[i].endAsync();
            await waitFor(() => !ownerOf(ids[i]), `${ids[i]} gone`);
            holders[i] = await mqttConnect(env.port(), { clientId: ids[i], clean: false });
            await waitFor(() => ownerOf(ids[i]), `${ids[i]} back`);
            expect(ownerOf(ids[i])).toBe(first.get(ids[i]));
          }
        }
        const anon = [];
        for (let i = 0; i < 3; i++) anon.push(await mqttConnect(env.port(), { clientId: '', clean: true }));
        expect(env.proxy.servers().reduce((a, s) => a + s.current, 0)).toBe(15);
        await endAll([...holders, ...anon]);
        await waitFor(() => env.closeLogs().length >= 12 * 4 + 3, 'close lines');
        expect(env.closeLogs((l) => l.clientId === 'sticky-3').map((l) => l.server)).toEqual(
          Array(4).fill(first.get('sticky-3')),
        );
        expect(
          env
            .closeLogs((l) => l.clientId === null)
            .map((l) => l.server)
            .sort(),
        ).toEqual(['b1', 'b2', 'b3']);
      },
    );
  });

  test('clientid: MQTT 5.0 and 3.1.1 CONNECTs of one client id reach the same broker', async () => {
    const minis = await Promise.all(['m1', 'm2', 'm3'].map(startMiniBroker));
    const env = await startProxy(`
frontends: [{ name: mqtt, bind: "127.0.0.1:0", backend: nodes }]
backends:
  - name: nodes
    balance: clientid
    health: { type: none }
    servers:
${minis.map((m) => `      - { name: ${m.name}, address: "${m.address}" }`).join('\n')}
`);
    try {
      for (let i = 0; i < 15; i++) {
        for (const protocolVersion of [5, 4, 5] as const) {
          const c = await mqttConnect(env.port(), { clientId: `dual-${i}`, protocolVersion });
          await c.endAsync();
        }
      }
      const owners = new Map<string, Set<string>>();
      for (const m of minis)
        for (const c of m.connects) owners.set(c.clientId, (owners.get(c.clientId) ?? new Set()).add(m.name));
      expect(owners.size).toBe(15);
      for (const set of owners.values()) expect(set.size).toBe(1);
      expect(minis.every((m) => m.connects.length > 0)).toBe(true);
      expect(minis.flatMap((m) => m.connects).filter((c) => c.protocolVersion === 5)).toHaveLength(30);
    } finally {
      await env.stop();
      await Promise.all(minis.map((m) => m.close()));
    }
  });

  test('a dead server is skipped: connect errors are retried on another server', async () => {
    const dead = await startBroker('dead');
    const deadAddress = dead.address;
    await dead.close();
    const yaml = `
frontends: [{ name: mqtt, bind: "127.0.0.1:0", backend: nodes }]
backends:
  - name: nodes
    balance: roundrobin
    retries: 2
    health: { type: none }
    servers:
      - { name: dead, address: "${deadAddress}" }
      - { name: ${brokers[0].name}, address: "${brokers[0].address}" }
`;
    const env = await startProxy(yaml, { logLevel: 'debug' });
    try {
      const clients: MqttClient[] = [];
      for (let i = 0; i < 6; i++) clients.push(await mqttConnect(env.port(), { clientId: `retry-${i}` }));
      const [d, live] = env.proxy.servers();
      expect(live.current).toBe(6);
      expect(d.connectFailures).toBe(3);
      expect(env.logs.filter((l) => l.event === 'connect-failed')).toHaveLength(3);
      await endAll(clients);
    } finally {
      await env.stop();
    }
  });
});
