/**
 * The load-engine fleet client against an in-process aedes broker (through a proxy that can freeze a link): the
 * client events MQTT.js would record (cut off, hung node, dead link by keepalive), QoS 0/1/2 through the steady
 * stream's ledger, the offline queue, a persistent session resumed with its QoS 2 deliveries, and a will.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net, { type AddressInfo, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { ClientEvents } from './client-events.js';
import { EngineFleet } from './engine-fleet.js';
import type { EngineFleetClient } from './engine-client.js';
import type { FleetClientOptions } from './fleet-client.js';
import { attemptSummary, reconnectTimes } from './measure.js';
import { TrafficStream } from './traffic.js';
import { waitFor } from '../util/wait.js';

let broker: Aedes;
let server: net.Server;
let proxy: net.Server;
let brokerPort = 0;
let proxyPort = 0;
/** Proxied links (client side → broker side); frozen links forward nothing. */
const links = new Map<Socket, { up: Socket; frozen: boolean }>();
const clients: EngineFleetClient[] = [];

function onProxyConnection(s: Socket): void {
  const up = net.connect(brokerPort, '127.0.0.1');
  const link = { up, frozen: false };
  links.set(s, link);
  s.on('data', (d) => void (!link.frozen && up.write(d)));
  up.on('data', (d) => void (!link.frozen && s.write(d)));
  const drop = (): void => {
    links.delete(s);
    s.destroy();
    up.destroy();
  };
  // a frozen link is a dead one: the broker closing its side does not reach the client
  const upGone = (): void => void (link.frozen ? up.destroy() : drop());
  s.on('close', drop);
  s.on('error', drop);
  up.on('close', upGone);
  up.on('error', upGone);
}

beforeAll(async () => {
  broker = await Aedes.createBroker();
  server = net.createServer((s) => broker.handle(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  brokerPort = (server.address() as AddressInfo).port;
  proxy = net.createServer(onProxyConnection);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyPort = (proxy.address() as AddressInfo).port;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
  for (const s of links.keys()) s.destroy();
  await new Promise<void>((r) => proxy.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => broker.close(() => r()));
});

function client(
  id: string,
  o: Partial<FleetClientOptions> = {},
  port = proxyPort,
): { c: EngineFleetClient; events: ClientEvents; id: string } {
  const fleet = new EngineFleet({ host: '127.0.0.1', port }, o.connectTimeoutMs ?? 2000);
  const events = new ClientEvents(id);
  const options = {
    clientId: id,
    localAddress: '127.0.0.1',
    clean: true,
    keepaliveS: 30,
    reconnectPeriodMs: 100,
    connectTimeoutMs: 2000,
    ...o,
  };
  const c = fleet.add({ options, events });
  c.start();
  clients.push(c);
  return { c, events, id };
}

const connected = (...cs: EngineFleetClient[]): Promise<unknown> =>
  waitFor(() => cs.every((c) => c.connected), { timeoutMs: 5000, what: 'connect' });

/** Cuts (destroys) or freezes the proxied links of every client connected so far. */
function cutAll(): void {
  for (const s of links.keys()) s.destroy();
}

describe('engine fleet client', () => {
  test('cut off: close, one attempt after the fixed period, CONNACK (events as MQTT.js records them)', async () => {
    const m = client('e-cut');
    await connected(m.c);
    const t0 = Date.now();
    cutAll();
    await waitFor(() => m.events.firstAfter('connack', t0), { timeoutMs: 5000, what: 'reconnect' });
    const member = { ...m, role: 'idle' as const, client: m.c, localAddress: '127.0.0.1' };
    expect(reconnectTimes([member], t0).ms[0]).toBeGreaterThanOrEqual(90);
    const close = m.events.firstAfter('close', t0)!;
    const attempt = m.events.firstAfter('attempt', t0)!;
    expect(attempt.at - close.at).toBeGreaterThanOrEqual(95);
    expect(attemptSummary([member], t0, Date.now())).toMatchObject({
      attempts: 1,
      accepted: 1,
      closedWithoutConnack: 0,
    });
  });

  test('hung node (TCP accepted, no CONNACK): attempts close after the connect timeout with "connack timeout"', async () => {
    const hung = net.createServer((s) => void s.resume());
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const t0 = Date.now();
    const m = client('e-hung', { reconnectPeriodMs: 50, connectTimeoutMs: 300 }, (hung.address() as AddressInfo).port);
    const member = { ...m, role: 'idle' as const, client: m.c, localAddress: '127.0.0.1' };
    try {
      await waitFor(() => m.events.attempts(t0, Date.now()).filter((a) => a.outcome === 'closed').length >= 2, {
        timeoutMs: 5000,
        what: 'two failed attempts',
      });
    } finally {
      await m.c.end();
      await new Promise<void>((r) => hung.close(() => r()));
    }
    const s = attemptSummary([member], t0, Date.now());
    expect(s.accepted).toBe(0);
    expect(s.closedMedianMs).toBeGreaterThanOrEqual(250);
    expect(Object.keys(s.errors)).toEqual(['connack timeout']);
  });

  test('dead link: PINGREQ after keepalive, "Keepalive timeout" and close at 1.5 × keepalive, then back', async () => {
    const m = client('e-ka', { keepaliveS: 1 });
    await connected(m.c);
    const t0 = Date.now();
    for (const l of links.values()) l.frozen = true;
    await waitFor(() => m.events.firstAfter('close', t0), { timeoutMs: 5000, what: 'keepalive timeout' });
    const err = m.events.firstAfter('error', t0)!;
    expect(err.detail).toBe('Keepalive timeout');
    expect(err.at - t0).toBeGreaterThanOrEqual(1400);
    expect(err.at - t0).toBeLessThan(2600);
    await waitFor(() => m.events.firstAfter('connack', t0), { timeoutMs: 5000, what: 'back' });
  });

  test('a subscriber that only receives QoS 0 still pings: the broker keeps it past 1.5 × keepalive', async () => {
    // MQTT.js reschedules its ping on acknowledgements and PINGRESP, not on a PUBLISH received; a client that
    // counted deliveries as heard would send nothing, and the broker closes it at 1.5 × keepalive ("keep alive
    // timeout"), losing the QoS 0 sent meanwhile.
    const pub = client('e-k0p');
    const sub = client('e-k0s', { keepaliveS: 1 });
    await connected(pub.c, sub.c);
    let got = 0;
    sub.c.onMessage((topic) => void (topic === 'k0/t' && got++));
    await sub.c.subscribe('k0/t', 0);
    const t0 = Date.now();
    let sent = 0;
    // 3 s of QoS 0 every 50 ms: twice the broker's 1.5 s
    await waitFor(
      () => {
        pub.c.publish('k0/t', `m${sent++}`, 0);
        return Date.now() - t0 >= 3000;
      },
      { timeoutMs: 5000, intervalMs: 50, what: '3 s of QoS 0' },
    );
    await waitFor(() => got === sent, { timeoutMs: 2000, what: `all ${sent} QoS 0 delivered` }).catch(() => 0);
    expect(sub.events.firstAfter('close', t0)).toBeUndefined();
    expect(got).toBe(sent);
  });

  test('QoS 0/1/2 stream: every message once, acknowledged, in one ledger', async () => {
    const pub = client('e-p0');
    // clean sessions: aedes-persistence's in-memory outgoingUpdate rewrites a stored PUBREL's message id when the
    // next PUBREC arrives first (both lack a brokerId), so back-to-back QoS 2 to a persistent session lose PUBRELs
    const subs = [0, 1, 2].map((i) => client(`e-s${i}`));
    await connected(pub.c, ...subs.map((s) => s.c));
    const stream = new TrafficStream(
      't/stream',
      [{ id: pub.id, client: pub.c }],
      subs.map((s) => ({ id: s.id, client: s.c })),
      50,
    );
    await stream.subscribeAll(5000);
    stream.start(10_000);
    await waitFor(() => stream.published >= 90, { timeoutMs: 5000, what: '30 ticks published' });
    await stream.stop(3000);
    // the stream's drain waits for QoS 1/2 only: QoS 0 still in transit is given its time here
    await waitFor(() => stream.totals()[0].lost === 0, { timeoutMs: 3000, what: 'QoS 0 in transit' }).catch(() => 0);
    const t = stream.totals();
    for (const q of [0, 1, 2] as const) {
      expect(t[q].sent).toBeGreaterThanOrEqual(25);
      expect(t[q]).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0 });
      expect(t[q].acked).toBe(t[q].sent);
      expect(t[q].received).toBe(t[q].sent);
    }
  });

  test('offline queue and resumed session: QoS 2 published while both were cut off arrives once after the resume', async () => {
    const pub = client('e-qp');
    const sub = client('e-qs', { clean: false });
    await connected(pub.c, sub.c);
    const got: string[] = [];
    sub.c.onMessage((topic, payload) => void (topic === 'q/2' && got.push(payload.toString())));
    await sub.c.subscribe('q/2', 2);
    const t0 = Date.now();
    cutAll();
    const acked: number[] = [];
    for (let i = 0; i < 5; i++) pub.c.publish('q/2', `m${i}`, 2, (err) => void (!err && acked.push(i)));
    await waitFor(() => got.length >= 5 && acked.length === 5, { timeoutMs: 5000, what: 'queued QoS 2 delivered' });
    expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(sub.events.firstAfter('connack', t0)?.sessionPresent).toBe(true);
  });

  test('will: published by the broker when the link breaks', async () => {
    const watcher = client('e-w');
    await connected(watcher.c);
    const wills: string[] = [];
    watcher.c.onMessage((topic) => void (topic === 'will/e-dies' && wills.push(topic)));
    await watcher.c.subscribe('will/+', 1);
    const dying = client('e-dies', {
      will: { topic: 'will/e-dies', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    await connected(dying.c);
    [...links.keys()].at(-1)!.destroy(); // the newest link: the dying client's

    await waitFor(() => wills.length >= 1, { timeoutMs: 5000, what: 'the will' });
  });
});
