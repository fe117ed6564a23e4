/**
 * Robustness: hostile or broken clients are closed with a log line and never crash the proxy;
 * thousands of connect/close cycles and backend flaps leave open file descriptors at baseline.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { encodeProxyV1, encodeProxyV2 } from '../proxy-protocol.js';
import { startBroker, type TestBroker } from './helpers/brokers.js';
import { endAll, mqttConnect, rawServer, type RawServer } from './helpers/clients.js';
import { connectPacket } from './helpers/packets.js';
import { openFds, sendRaw, startProxy, type ProxyEnv } from './helpers/proxy-env.js';
import { randomBytes, randomInt, seededRandom } from './helpers/random.js';
import { waitFor } from './helpers/wait.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('hostile and broken clients', () => {
  let sink: RawServer;
  let env: ProxyEnv;
  beforeAll(async () => {
    sink = await rawServer(() => undefined);
    env = await startProxy(`
frontends:
  - { name: plain, bind: "127.0.0.1:0", backend: rr, timeouts: { handshake: 400ms, idle: 5s } }
  - { name: sticky, bind: "127.0.0.1:0", backend: cid, timeouts: { handshake: 400ms, idle: 5s } }
backends:
  - { name: rr, health: { type: none }, servers: [{ name: sink, address: "${sink.address}" }] }
  - { name: cid, balance: clientid, health: { type: none }, servers: [{ name: sink, address: "${sink.address}" }] }
`);
  });
  afterAll(async () => {
    await env.stop();
    await sink.close();
  });

  const cases: [string, Buffer | null, string][] = [
    ['garbage bytes', hex('deadbeef00ff10'), 'bad-connect'],
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'bad-connect'],
    [
      'a PROXY v1 header where none is expected',
      Buffer.concat([
        encodeProxyV1({ sourceAddress: '1.2.3.4', sourcePort: 1, destAddress: '5.6.7.8', destPort: 2 }),
        connectPacket({ clientId: 'x' }),
      ]),
      'bad-connect',
    ],
    [
      'a PROXY v2 header where none is expected',
      Buffer.concat([
        encodeProxyV2({ sourceAddress: '1.2.3.4', sourcePort: 1, destAddress: '5.6.7.8', destPort: 2 }),
        connectPacket({ clientId: 'x' }),
      ]),
      'bad-connect',
    ],
    ['a CONNECT with the reserved flag', hex('100c00044d5154540403003c0000'), 'bad-connect'],
    ['a CONNECT with a 5-byte remaining length', hex('10ffffffff7f'), 'bad-connect'],
    ['a truncated CONNECT, then silence', connectPacket({ clientId: 'truncated' }).subarray(0, 9), 'handshake-timeout'],
    ['nothing at all', null, 'handshake-timeout'],
    ['a TLS ClientHello on a plain port', hex('16030100a5010000a10303'), 'bad-connect'],
  ];

  for (const frontend of ['plain', 'sticky']) {
    test.each(cases)(`${frontend}: %s → closed with a log line, no server contacted`, async (_name, bytes, reason) => {
      const before = env.closeLogs().length;
      const r = await sendRaw(env.port(frontend), bytes, 3_000);
      expect(r.closed).toBe(true);
      expect(r.received.length).toBe(0);
      const line = await waitFor(
        () =>
          env
            .closeLogs()
            .slice(before)
            .find((l) => l.frontend === frontend),
        'close line',
      );
      expect(line).toMatchObject({ level: 'warn', reason, server: null });
      if (reason === 'bad-connect') expect(line.detail).toEqual(expect.any(String));
      expect(sink.accepted).toBe(0);
    });
  }

  test('a PROXY header gets a precise reason', async () => {
    await sendRaw(env.port('plain'), Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'));
    await env.waitForLog((l) => l.detail === 'unexpected PROXY protocol header from the client', 'PROXY detail');
  });

  test('a truncated CONNECT followed by FIN is closed at once', async () => {
    const r = await new Promise<number>((resolve) => {
      const started = Date.now();
      const s = net.connect({ port: env.port('sticky'), host: '127.0.0.1' }, () =>
        s.end(connectPacket({ clientId: 'cut' }).subarray(0, 12)),
      );
      s.on('error', () => undefined);
      s.on('close', () => resolve(Date.now() - started));
      s.resume();
    });
    expect(r).toBeLessThan(2_000);
    await env.waitForLog(
      (l) => l.reason === 'client-fin' && l.server === null,
      'client-fin line (not handshake-timeout)',
    );
  });

  test('fuzz: 1,500 random and mutated CONNECTs over real sockets; the proxy keeps serving', async () => {
    const broker = await startBroker('fuzz-broker');
    const fuzzEnv = await startProxy(
      `
frontends: [{ name: f, bind: "127.0.0.1:0", backend: b, timeouts: { handshake: 300ms, idle: 2s } }]
backends: [{ name: b, balance: clientid, health: { type: none }, servers: [{ name: n, address: "${broker.address}" }] }]
`,
      { logLevel: 'warn' },
    );
    try {
      const rnd = seededRandom(42);
      const seeds = [
        connectPacket({ clientId: 'fz-a' }),
        connectPacket({
          clientId: 'fz-b',
          username: 'u',
          password: Buffer.from('p'),
          will: { topic: 't', payload: Buffer.from('w'), qos: 1 },
        }),
        connectPacket({ protocolVersion: 5, clientId: 'fz-c', properties: { sessionExpiryInterval: 5 } }),
        connectPacket({ protocolVersion: 3, clientId: 'fz-d' }),
      ];
      const inputs: Buffer[] = [];
      for (let i = 0; i < 1_500; i++) {
        const kind = i % 5;
        if (kind === 0) inputs.push(randomBytes(rnd, 1 + randomInt(rnd, 80)));
        else {
          const b = Buffer.from(seeds[randomInt(rnd, seeds.length)]);
          for (let m = 1 + randomInt(rnd, 3); m > 0; m--) b[randomInt(rnd, b.length)] = randomInt(rnd, 256);
          inputs.push(kind === 4 ? b.subarray(0, randomInt(rnd, b.length)) : b);
        }
      }
      for (let i = 0; i < inputs.length; i += 100) {
        const results = await Promise.all(inputs.slice(i, i + 100).map((b) => sendRaw(fuzzEnv.port(), b, 600)));
        expect(results.length).toBe(100);
      }
      await waitFor(() => fuzzEnv.proxy.frontends.get('f')!.current === 0, 'all fuzz sessions ended', 10_000);
      expect(fuzzEnv.logs.filter((l) => l.event === 'internal-error')).toEqual([]);
      expect(fuzzEnv.closeLogs((l) => l.reason === 'bad-connect').length).toBeGreaterThan(300);
      const c = await mqttConnect(fuzzEnv.port(), { clientId: 'after-fuzz' });
      await c.subscribeAsync('ok');
      await c.endAsync();
    } finally {
      await fuzzEnv.stop();
      await broker.close();
    }
  });
});

describe('resource hygiene', () => {
  test('10,000 connect/close cycles (clean, abrupt, garbage) leave open fds at baseline', async () => {
    const sink = await rawServer(() => undefined);
    const env = await startProxy(`
global: { maxconn: 20000, log_level: warn }
frontends: [{ name: f, bind: "127.0.0.1:0", backend: b, timeouts: { handshake: 2s, idle: 5s } }]
backends: [{ name: b, balance: leastconn, health: { type: none }, servers: [{ name: s, address: "${sink.address}" }] }]
`);
    const cycle = (i: number) =>
      new Promise<void>((resolve) => {
        const s = net.connect({ port: env.port(), host: '127.0.0.1' });
        s.on('error', () => undefined);
        s.on('close', () => resolve());
        s.on('connect', () => {
          const kind = i % 4;
          if (kind === 0) s.destroy();
          else if (kind === 1) s.end(hex('deadbeef'));
          else s.end(connectPacket({ clientId: `cycle-${i}` }));
        });
        s.resume();
      });
    try {
      const run = async (from: number, to: number) => {
        for (let i = from; i < to; i += 200)
          await Promise.all(Array.from({ length: Math.min(200, to - i) }, (_, k) => cycle(i + k)));
      };
      await run(0, 200);
      await waitFor(() => env.proxy.gate.active === 0 && sink.sockets.size === 0, 'warm-up done');
      const baseline = openFds();
      const started = Date.now();
      await run(200, 10_200);
      const elapsed = Date.now() - started;
      await waitFor(() => env.proxy.gate.active === 0 && sink.sockets.size === 0, 'all closed', 10_000);
      const fds = await waitFor(() => (openFds() <= baseline ? openFds() : false), `fds back to ${baseline}`, 5_000);
      expect(fds).toBeLessThanOrEqual(baseline);
      expect(env.proxy.servers()[0]).toMatchObject({ current: 0 });
      expect(env.proxy.frontends.get('f')!.total).toBe(10_200);
      expect(env.logs.filter((l) => l.event === 'internal-error')).toEqual([]);
      expect(elapsed).toBeLessThan(45_000);
    } finally {
      await env.stop();
      await sink.close();
    }
  });

  test('backend flaps (kill/restart × 15) with clients connecting throughout leave fds at baseline', async () => {
    const brokers: TestBroker[] = await Promise.all(['f1', 'f2'].map(startBroker));
    const env = await startProxy(
      `
frontends: [{ name: f, bind: "127.0.0.1:0", backend: b, timeouts: { handshake: 1s, idle: 5s } }]
backends:
  - name: b
    balance: roundrobin
    on_marked_down: shutdown-sessions
    health: { type: mqtt, inter: 50ms, fall: 1, rise: 1, timeout: 1s }
    servers:
${brokers.map((b) => `      - { name: ${b.name}, address: "${b.address}" }`).join('\n')}
`,
      { logLevel: 'warn' },
    );
    try {
      await waitFor(() => env.proxy.servers().every((s) => s.checkStatus === 'L7OK'), 'checks ok');
      const baseline = openFds();
      for (let round = 0; round < 15; round++) {
        const victim = brokers[round % 2];
        const clients = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            mqttConnect(env.port(), { clientId: `flap-${round}-${i}` }).catch(() => null),
          ),
        );
        await victim.kill();
        await waitFor(() => env.proxy.servers().find((s) => s.name === victim.name)!.status === 'DOWN', 'victim DOWN');
        const more = await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            mqttConnect(env.port(), { clientId: `flap-${round}-x${i}` }).catch(() => null),
          ),
        );
        expect(more.every((c) => c !== null)).toBe(true);
        await victim.restart();
        await waitFor(() => env.proxy.servers().every((s) => s.status === 'UP'), 'both UP');
        await endAll([...clients, ...more].filter((c): c is NonNullable<typeof c> => c !== null));
      }
      await waitFor(() => env.proxy.servers().every((s) => s.current === 0), 'no sessions');
      await waitFor(() => openFds() <= baseline, `fds back to ${baseline}`, 5_000);
      const downs = env.proxy.servers().map((s) => s.downTransitions);
      expect(downs[0]).toBeGreaterThanOrEqual(8);
      expect(downs[1]).toBeGreaterThanOrEqual(7);
      expect(env.logs.filter((l) => l.event === 'internal-error')).toEqual([]);
    } finally {
      await env.stop();
      await Promise.all(brokers.map((b) => b.close()));
    }
  });
});
