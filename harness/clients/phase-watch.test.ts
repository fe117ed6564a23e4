/**
 * Connection phases recorded by the client pool, with real parts: MQTT.js clients from ClientPool against an
 * in-process aedes broker over TCP, TLS (run-time PKI) and WebSocket, and an auto-reconnecting client cut off.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { Aedes } from 'aedes';
import wsModule, { type ServerOptions, type WebSocket, type WebSocketServer } from 'ws';
import { ClientPool, subscribe } from './mqtt.js';
import { TransportRoute } from './transport.js';
import { generatePki } from '../pki/pki.js';
import { waitFor } from '../util/wait.js';
import type { HostPort } from '../types.js';

/** ws 7 at run time (what aedes-server-factory installs), typed by @types/ws 8: as standin/ws-listener.ts reads it. */
const ws7 = wsModule as unknown as {
  Server: new (options: ServerOptions) => WebSocketServer;
  createWebSocketStream(ws: WebSocket): Duplex;
};

let broker: Aedes;
const servers: Array<net.Server | WebSocketServer> = [];
const sockets = new Set<Socket>();
const dir = mkdtempSync(path.join(os.tmpdir(), 'phase-watch-'));
let tcp: HostPort;
let mqtts: HostPort;
let ws: HostPort;
let ca = '';

function handle(s: Socket): void {
  sockets.add(s);
  s.once('close', () => sockets.delete(s));
  broker.handle(s);
}

async function listen(server: net.Server): Promise<HostPort> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
}

beforeAll(async () => {
  broker = await Aedes.createBroker();
  const pki = await generatePki(dir, { serverNames: ['mqtt-lb.test'] });
  ca = pki.ca;
  tcp = await listen(net.createServer(handle));
  mqtts = await listen(
    tls.createServer({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) }, handle),
  );
  const upgrades = http.createServer();
  upgrades.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const wss = new ws7.Server({ server: upgrades, path: '/mqtt' });
  wss.on('connection', (socket: WebSocket) => broker.handle(ws7.createWebSocketStream(socket) as never));
  servers.push(wss);
  ws = await listen(upgrades);
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  await new Promise<void>((r) => broker.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('ClientPool connect phases', () => {
  test('TCP: tcp, connack and suback per client, no tls', async () => {
    const pool = new ClientPool();
    const clients = await Promise.all([1, 2, 3].map((i) => pool.connect(tcp, { clientId: `tcp-${i}` })));
    await Promise.all(clients.map((c) => subscribe(c, 'phases/t', 1)));
    await subscribe(clients[0]!, 'phases/u', 0);
    await pool.closeAll();
    const m = pool.phases.summary();
    expect(m).toMatchObject({ clients: 3, attempts: 3, transports: ['tcp'] });
    expect(m.tcp?.count).toBe(3);
    expect(m.connack?.count).toBe(3);
    expect(m.suback?.count).toBe(4);
    expect(m.tls).toBeUndefined();
    expect(m.ws_upgrade).toBeUndefined();
    // CONNACK is timed from the attempt's start: it includes the TCP connect.
    expect(m.connack!.max_ms).toBeGreaterThanOrEqual(m.tcp!.p50_ms);
  });

  test('TLS: the handshake is its own phase, after the TCP connect', async () => {
    const pool = new ClientPool();
    await Promise.all(
      [1, 2].map((i) =>
        pool.connect(mqtts, {
          clientId: `tls-${i}`,
          protocol: 'mqtts',
          ca: readFileSync(ca),
          servername: 'mqtt-lb.test',
        }),
      ),
    );
    await pool.closeAll();
    const m = pool.phases.summary();
    expect(m).toMatchObject({ clients: 2, attempts: 2, transports: ['tls'] });
    expect([m.tcp?.count, m.tls?.count, m.connack?.count]).toEqual([2, 2, 2]);
    expect(m.tls!.p50_ms).toBeGreaterThan(0);
  });

  test('WebSocket: the HTTP upgrade is recorded as ws_upgrade', async () => {
    const pool = new ClientPool();
    pool.route = new TransportRoute(['ws'], { mqtt: tcp, ws });
    const c = await pool.connect(tcp, { clientId: 'ws-1' });
    await subscribe(c, 'phases/w', 1);
    await pool.closeAll();
    const m = pool.phases.summary();
    expect(m).toMatchObject({ clients: 1, attempts: 1, transports: ['ws'] });
    expect([m.tcp?.count, m.ws_upgrade?.count, m.connack?.count, m.suback?.count]).toEqual([1, 1, 1, 1]);
    expect(m.tls).toBeUndefined();
  });

  test('a reconnect is a new attempt with its own phases', async () => {
    const pool = new ClientPool();
    const client = pool.create(tcp, { clientId: 'again', reconnectPeriod: 50 });
    await waitFor(() => client.connected, { timeoutMs: 5000, what: 'first CONNACK' });
    for (const s of sockets) s.destroy();
    await waitFor(() => pool.phases.count('connack') >= 2, { timeoutMs: 5000, what: 'CONNACK after the reconnect' });
    await pool.closeAll();
    const m = pool.phases.summary();
    expect(m.clients).toBe(1);
    expect(m.attempts).toBeGreaterThanOrEqual(2);
    expect(m.tcp?.count).toBe(m.attempts);
    expect(m.connack?.count).toBe(2);
  });
});
