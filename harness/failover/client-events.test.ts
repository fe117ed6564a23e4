/**
 * Client-side failover measurement with real parts: an MQTT.js client (auto-reconnect) against an
 * in-process aedes broker, cut off by the server; and against a listener that accepts TCP but never
 * answers (a hung node). ClientEvents and the measurements must tell these apart.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net, { type AddressInfo, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { ClientPool } from '../clients/mqtt.js';
import { ClientEvents } from './client-events.js';
import { attemptSummary, reconnectTimes, spread, stuckTimes } from './measure.js';
import type { FleetMember } from './fleet.js';
import { MqttJsFleetClient } from './mqttjs-client.js';
import { waitFor } from '../util/wait.js';

let broker: Aedes;
let server: net.Server;
const sockets = new Set<Socket>();
let port = 0;
const pool = new ClientPool();

beforeAll(async () => {
  broker = await Aedes.createBroker();
  server = net.createServer((s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    broker.handle(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await pool.closeAll();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => broker.close(() => r()));
});

function member(id: string, client: ReturnType<ClientPool['create']>): FleetMember {
  return {
    id,
    role: 'idle',
    client: new MqttJsFleetClient(client),
    events: new ClientEvents(id, client),
    localAddress: '127.0.0.1',
  };
}

describe('client events', () => {
  test('a client cut off by its node: close, reconnect attempt, CONNACK; reconnect and stuck times from the cut', async () => {
    const m = member('cut-1', pool.create({ host: '127.0.0.1', port }, { clientId: 'cut-1', reconnectPeriod: 100 }));
    await waitFor(() => m.client.connected, { timeoutMs: 5000, what: 'connect' });
    const t0 = Date.now();
    for (const s of sockets) s.destroy();
    await waitFor(() => m.events.firstAfter('connack', t0), { timeoutMs: 5000, what: 'reconnect' });
    const back = reconnectTimes([m], t0);
    expect(back.missing).toEqual([]);
    expect(back.ms[0]).toBeGreaterThanOrEqual(90);
    expect(stuckTimes([m], t0).ms[0]).toBeLessThan(back.ms[0]!);
    expect(attemptSummary([m], t0, Date.now())).toMatchObject({ attempts: 1, accepted: 1, closedWithoutConnack: 0 });
    expect(m.events.firstAfter('connack', t0)?.sessionPresent).toBe(false);
  });

  test('a hung node (TCP accepted, no CONNACK): attempts end without CONNACK after the connect timeout', async () => {
    const hung = net.createServer((s) => void s.resume());
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const hungPort = (hung.address() as AddressInfo).port;
    const m = member(
      'hung-1',
      pool.create(
        { host: '127.0.0.1', port: hungPort },
        { clientId: 'hung-1', reconnectPeriod: 50, connectTimeout: 300 },
      ),
    );
    const t0 = Date.now();
    try {
      await waitFor(() => m.events.attempts(t0, Date.now()).filter((a) => a.outcome === 'closed').length >= 2, {
        timeoutMs: 5000,
        what: 'two failed attempts',
      });
    } finally {
      await m.client.end();
      await new Promise<void>((r) => hung.close(() => r()));
    }
    const s = attemptSummary([m], t0, Date.now());
    expect(s.accepted).toBe(0);
    expect(s.closedWithoutConnack).toBeGreaterThanOrEqual(2);
    expect(s.closedMedianMs).toBeGreaterThanOrEqual(250);
    expect(Object.keys(s.errors).join()).toMatch(/connack timeout/i);
    expect(reconnectTimes([m], t0).missing).toEqual(['hung-1']);
  });

  test('spread: p50/p99/max, or nulls when nothing was measured', () => {
    expect(spread([])).toEqual({ p50: null, p99: null, max: null });
    expect(spread([300, 100, 200, 4000])).toEqual({ p50: 200, p99: 4000, max: 4000 });
  });
});
