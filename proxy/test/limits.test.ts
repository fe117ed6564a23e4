/**
 * Integration: half-close, backpressure, timeouts, maxconn (queue/refuse), per-source rate limit,
 * PROXY headers towards servers, admin API. Real sockets on loopback.
 */
import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { connectPacket } from './helpers/packets.js';
import { decodeProxyHeader } from './helpers/proxy-decoder.js';
import { rawServer, readBytes } from './helpers/clients.js';
import { sendRaw, startProxy, type ProxyEnv } from './helpers/proxy-env.js';
import { waitFor, withTimeout } from './helpers/wait.js';

function l4Config(serverAddress: string, frontendExtra = '', backendExtra = '', serverExtra = ''): string {
  return `
admin: { bind: "127.0.0.1:0" }
frontends:
  - name: tcp
    bind: "127.0.0.1:0"
    backend: be
    inspect: none
${frontendExtra}
backends:
  - name: be
    health: { type: none }
${backendExtra}
    servers:
      - { name: s1, address: "${serverAddress}"${serverExtra} }
`;
}

async function using(yaml: string, fn: (env: ProxyEnv) => Promise<void>): Promise<void> {
  const env = await startProxy(yaml);
  try {
    await fn(env);
  } finally {
    await env.stop();
  }
}

function connectClient(port: number, opts: net.NetConnectOpts = { port }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', ...opts, port } as net.NetConnectOpts);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

describe('stream semantics', () => {
  test('half-close: the client FIN reaches the server, which can still answer', async () => {
    const server = await rawServer(
      (s) => {
        const got: Buffer[] = [];
        s.on('data', (c) => got.push(c));
        s.on('end', () => s.end(Buffer.concat([Buffer.from('echo:'), ...got])));
      },
      { allowHalfOpen: true },
    );
    await using(l4Config(server.address), async (env) => {
      const c = await connectClient(env.port());
      c.end('ping after which I send nothing');
      const reply = await readBytes(c, 1_000);
      expect(reply.toString()).toBe('echo:ping after which I send nothing');
      const line = await env.waitForLog((l) => l.event === 'close', 'close line');
      expect(line).toMatchObject({ reason: 'client-fin', bytesIn: 31, bytesOut: 36 });
    });
    await server.close();
  });

  test('half-close the other way: the server FIN reaches the client, which can still send', async () => {
    let serverGot = '';
    const serverDone = new Promise<void>((resolve) => {
      void rawServer(
        (s) => {
          s.end('bye');
          s.on('data', (c) => (serverGot += c.toString()));
          s.on('end', () => resolve());
        },
        { allowHalfOpen: true },
      ).then((srv) => (serverRef = srv));
    });
    let serverRef: Awaited<ReturnType<typeof rawServer>> | undefined;
    await waitFor(() => serverRef, 'server');
    await using(l4Config(serverRef!.address), async (env) => {
      const c = net.connect({ port: env.port(), host: '127.0.0.1', allowHalfOpen: true });
      const got = await readBytes(c, 3);
      expect(got.toString()).toBe('bye');
      await new Promise<void>((r) => (c.readableEnded ? r() : c.once('end', () => r())));
      c.end('late words');
      await withTimeout(serverDone, 3_000, 'server sees the client data and FIN');
      expect(serverGot).toBe('late words');
      const line = await env.waitForLog((l) => l.event === 'close', 'close line');
      expect(line.reason).toBe('server-fin');
    });
    await serverRef!.close();
  });

  test('backpressure: a slow reader stalls the server instead of filling proxy memory; all bytes arrive intact', async () => {
    const total = 64 * 1024 * 1024;
    let accepted = 0;
    const sent = createHash('sha256');
    const server = await rawServer((s) => {
      let i = 0;
      const pump = () => {
        while (accepted < total) {
          const chunk = Buffer.alloc(64 * 1024, i++ & 0xff);
          sent.update(chunk);
          accepted += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    });
    await using(l4Config(server.address), async (env) => {
      const c = await connectClient(env.port());
      c.pause();
      await waitFor(() => accepted > 0, 'server started');
      let last = -1;
      await waitFor(
        async () => {
          const now = accepted;
          await new Promise((r) => setTimeout(r, 100));
          const stalled = accepted === now && now === last;
          last = now;
          return stalled;
        },
        'server stalls',
        10_000,
      );
      expect(accepted).toBeLessThan(total / 2);
      const rssWhilePaused = process.memoryUsage().rss;
      const got = createHash('sha256');
      let received = 0;
      c.on('data', (d: Buffer) => {
        got.update(d);
        received += d.length;
      });
      c.resume();
      await new Promise<void>((r) => c.once('end', () => r()));
      c.end();
      expect(received).toBe(total);
      expect(got.digest('hex')).toBe(sent.digest('hex'));
      expect(rssWhilePaused).toBeGreaterThan(0);
    });
    await server.close();
  });
  test('backpressure the other way: a server that stops reading stalls the client; all bytes arrive intact', async () => {
    const total = 48 * 1024 * 1024;
    let serverSocket: net.Socket | undefined;
    const got = createHash('sha256');
    let received = 0;
    const server = await rawServer((s) => {
      serverSocket = s;
      s.pause();
    });
    await using(l4Config(server.address), async (env) => {
      const c = await connectClient(env.port());
      const sent = createHash('sha256');
      let accepted = 0;
      let i = 0;
      const pump = () => {
        while (accepted < total) {
          const chunk = Buffer.alloc(64 * 1024, i++ & 0xff);
          sent.update(chunk);
          accepted += chunk.length;
          if (!c.write(chunk)) return void c.once('drain', pump);
        }
        c.end();
      };
      pump();
      await waitFor(() => serverSocket, 'server socket');
      let last = -1;
      await waitFor(
        async () => {
          const now = accepted;
          await new Promise((r) => setTimeout(r, 100));
          const stalled = accepted === now && now === last;
          last = now;
          return stalled;
        },
        'client stalls',
        10_000,
      );
      expect(accepted).toBeLessThan(total / 2);
      const done = new Promise<void>((r) => serverSocket!.once('end', () => r()));
      serverSocket!.on('data', (d: Buffer) => {
        got.update(d);
        received += d.length;
      });
      serverSocket!.resume();
      await withTimeout(done, 20_000, 'all bytes at the server');
      expect(received).toBe(total);
      expect(got.digest('hex')).toBe(sent.digest('hex'));
      c.destroy();
    });
    await server.close();
  });
});

describe('timeouts (slowloris)', () => {
  test('a client that never sends is closed at the handshake timeout with a log line', async () => {
    const server = await rawServer(() => undefined);
    await using(l4Config(server.address).replace('inspect: none', 'inspect: mqtt\n    timeouts: { handshake: 300ms, idle: 5s }'), async (env) => {
      const r = await sendRaw(env.port(), null, 3_000);
      expect(r.closed).toBe(true);
      expect(r.ms).toBeGreaterThanOrEqual(250);
      expect(r.ms).toBeLessThan(2_000);
      const line = await env.waitForLog((l) => l.event === 'close', 'close line');
      expect(line).toMatchObject({ level: 'warn', reason: 'handshake-timeout', server: null });
      expect(server.accepted).toBe(0);
    });
    await server.close();
  });

  test('a trickling client (1 byte / 100 ms) cannot extend the handshake deadline', async () => {
    const server = await rawServer(() => undefined);
    await using(l4Config(server.address).replace('inspect: none', 'inspect: mqtt\n    timeouts: { handshake: 400ms, idle: 5s }'), async (env) => {
      const c = await connectClient(env.port());
      c.on('error', () => undefined);
      const pkt = connectPacket({ clientId: 'slow-loris-with-a-long-client-identifier' });
      let i = 0;
      const timer = setInterval(() => i < pkt.length && !c.destroyed && c.write(pkt.subarray(i, ++i)), 100);
      const started = Date.now();
      await new Promise<void>((r) => c.once('close', () => r()));
      clearInterval(timer);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect((await env.waitForLog((l) => l.event === 'close', 'close line')).reason).toBe('handshake-timeout');
    });
    await server.close();
  });

  test('an established but silent connection is closed at the idle timeout', async () => {
    const server = await rawServer(() => undefined);
    await using(l4Config(server.address, '    timeouts: { handshake: 1s, idle: 300ms }'), async (env) => {
      const c = await connectClient(env.port());
      c.write('x');
      const started = Date.now();
      await new Promise<void>((r) => c.once('close', () => r()));
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      const line = await env.waitForLog((l) => l.event === 'close', 'close line');
      expect(line).toMatchObject({ reason: 'idle-timeout', server: 's1' });
      await waitFor(() => server.sockets.size === 0, 'server side closed');
    });
    await server.close();
  });
});

describe('limits', () => {
  test('per-server maxconn with queue: the next connection waits and proceeds when a slot frees', async () => {
    const server = await rawServer((s) => s.on('data', (d) => s.write(d)));
    await using(l4Config(server.address, '', '    maxconn_policy: queue\n    timeouts: { queue: 3s }', ', maxconn: 1'), async (env) => {
      const a = await connectClient(env.port());
      a.write('a');
      await readBytes(a, 1);
      const b = await connectClient(env.port());
      b.write('b');
      await waitFor(() => env.proxy.status() && (env.proxy.status() as any).backends[0].queued === 1, 'b queued');
      expect(server.accepted).toBe(1);
      const bReply = readBytes(b, 1);
      a.end();
      expect((await bReply).toString()).toBe('b');
      expect(server.accepted).toBe(2);
      b.end();
    });
    await server.close();
  });

  test('per-server maxconn with queue: the queue timeout closes the waiting connection', async () => {
    const server = await rawServer(() => undefined);
    await using(l4Config(server.address, '', '    maxconn_policy: queue\n    timeouts: { queue: 200ms }', ', maxconn: 1'), async (env) => {
      const a = await connectClient(env.port());
      const r = await sendRaw(env.port(), Buffer.from('x'), 3_000);
      expect(r.closed).toBe(true);
      await env.waitForLog((l) => l.reason === 'queue-timeout', 'queue-timeout line');
      a.destroy();
    });
    await server.close();
  });

  test('per-server maxconn with refuse: the extra connection is closed at once', async () => {
    const server = await rawServer(() => undefined);
    await using(l4Config(server.address, '', '    maxconn_policy: refuse', ', maxconn: 2'), async (env) => {
      const held = [await connectClient(env.port()), await connectClient(env.port())];
      await waitFor(() => server.accepted === 2, 'two upstream');
      const r = await sendRaw(env.port(), Buffer.from('x'), 3_000);
      expect(r.closed).toBe(true);
      expect(r.ms).toBeLessThan(1_000);
      await env.waitForLog((l) => l.reason === 'maxconn', 'maxconn line');
      held.forEach((s) => s.destroy());
    });
    await server.close();
  });

  test('global maxconn refuse and queue', async () => {
    const server = await rawServer(() => undefined);
    await using(`global: { maxconn: 2, maxconn_policy: refuse }\n` + l4Config(server.address), async (env) => {
      const held = [await connectClient(env.port()), await connectClient(env.port())];
      const r = await sendRaw(env.port(), null, 3_000);
      expect(r.closed).toBe(true);
      await env.waitForLog((l) => l.reason === 'maxconn', 'maxconn line');
      held.forEach((s) => s.destroy());
    });
    await using(`global: { maxconn: 1, maxconn_policy: queue, queue_timeout: 3s }\n` + l4Config(server.address), async (env) => {
      const first = await connectClient(env.port());
      const second = await connectClient(env.port());
      await waitFor(() => env.proxy.gate.queued === 1, 'second queued');
      first.destroy();
      await waitFor(() => env.proxy.gate.queued === 0 && env.proxy.gate.active === 1, 'second admitted');
      second.destroy();
    });
    await server.close();
  });

  test('per-source connection rate limit', async () => {
    const server = await rawServer(() => undefined);
    await using(l4Config(server.address, '    rate_limit: { per_source_per_s: 5 }'), async (env) => {
      const results = await Promise.all(Array.from({ length: 15 }, () => sendRaw(env.port(), null, 500)));
      await waitFor(() => env.closeLogs().length === 15 || undefined, '15 close lines');
      const refused = env.closeLogs((l) => l.reason === 'rate-limited');
      expect(refused.length).toBeGreaterThanOrEqual(9);
      expect(refused.length).toBeLessThanOrEqual(10);
      expect(results.filter((r) => r.closed).length).toBeGreaterThanOrEqual(refused.length);
      expect((env.proxy.status() as any).frontends[0].rateLimited).toBe(refused.length);
    });
    await server.close();
  });
});

describe('PROXY protocol towards servers', () => {
  for (const version of ['v1', 'v2'] as const) {
    test(`send_proxy: ${version} — the server sees the real client address, then the untouched CONNECT`, async () => {
      const firstBytes: Buffer[] = [];
      const server = await rawServer((s) => s.on('data', (d) => firstBytes.push(d)));
      await using(l4Config(server.address, '', `    send_proxy: ${version}`).replace('inspect: none', 'inspect: mqtt'), async (env) => {
        const c = await connectClient(env.port());
        const pkt = connectPacket({ clientId: 'pp-client' });
        c.write(pkt);
        const all = await waitFor(() => {
          const b = Buffer.concat(firstBytes);
          const h = b.length ? decodeProxyHeader(b) : undefined;
          return h && b.length >= h.length + pkt.length ? { h, b } : undefined;
        }, 'header and CONNECT');
        expect(all.h).toMatchObject({ version: version === 'v1' ? 1 : 2, command: 'PROXY', sourcePort: c.localPort, destPort: env.port() });
        expect(all.h.source).toBe('127.0.0.1');
        expect(all.b.subarray(all.h.length).equals(pkt)).toBe(true);
        c.destroy();
      });
      await server.close();
    });
  }

  test('health checks carry the PROXY header too (v2 LOCAL), like HAProxy check-send-proxy', async () => {
    const seen: Buffer[] = [];
    const server = await rawServer((s) => s.on('data', (d) => seen.push(d)));
    await using(l4Config(server.address, '', '    send_proxy: v2').replace('health: { type: none }', 'health: { type: tcp, inter: 100ms }'), async (env) => {
      await waitFor(() => seen.length > 0, 'check bytes');
      expect(decodeProxyHeader(seen[0])).toMatchObject({ version: 2, command: 'LOCAL' });
      expect(env.proxy.servers()[0].checkStatus).toBe('L4OK');
    });
    await server.close();
  });
});

describe('admin API', () => {
  const yaml = (token: string) => `
admin: { bind: "127.0.0.1:0", token: ${token} }
frontends: [{ name: mqtt, bind: "127.0.0.1:0", backend: be, inspect: none }]
backends:
  - name: be
    health: { type: none }
    servers: [{ name: s1, address: "ADDR", weight: 3 }, { name: s2, address: "ADDR" }]
`;
  test('servers, status, metrics; drain / disable / enable change routing', async () => {
    const server = await rawServer(() => undefined);
    await using(yaml('null').replaceAll('ADDR', server.address), async (env) => {
      const get = async (p: string) => (await fetch(env.adminUrl() + p)).json() as Promise<any>;
      const post = (p: string) => fetch(env.adminUrl() + p, { method: 'POST' });
      const servers = await get('/api/servers');
      expect(servers).toEqual([
        expect.objectContaining({ backend: 'be', name: 's1', address: server.address, status: 'UP', checkStatus: '', current: 0, total: 0, bytesIn: 0, bytesOut: 0, weight: 3 }),
        expect.objectContaining({ backend: 'be', name: 's2', status: 'UP', weight: 1 }),
      ]);
      expect(typeof servers[0].lastChange).toBe('number');
      const status = await get('/api/status');
      expect(status).toMatchObject({ version: expect.any(String), uptimeMs: expect.any(Number), frontends: [expect.objectContaining({ name: 'mqtt', address: `127.0.0.1:${env.port()}` })] });

      expect(((await (await post('/api/servers/be/s1/drain')).json()) as { status: string }).status).toBe('DRAIN');
      expect(((await (await post('/api/servers/be/s2/disable')).json()) as { status: string }).status).toBe('MAINT');
      expect(env.logs.filter((l) => l.event === 'server-state' && l.source === 'admin').map((l) => l.to)).toEqual(['DRAIN', 'MAINT']);
      const r = await sendRaw(env.port(), null, 2_000);
      expect(r.closed).toBe(true);
      await env.waitForLog((l) => l.reason === 'no-server', 'no-server line');
      await post('/api/servers/be/s2/enable');
      const c = await connectClient(env.port());
      await waitFor(async () => (await get('/api/servers'))[1].current === 1, 's2 takes it');

      const metrics = await (await fetch(env.adminUrl() + '/metrics')).text();
      expect(metrics).toContain('tsproxy_server_current_sessions{backend="be",server="s2"} 1');
      expect(metrics).toContain('tsproxy_server_status{backend="be",server="s1",status="DRAIN"} 1');
      expect(metrics).toMatch(/^# TYPE tsproxy_frontend_sessions_total counter$/m);
      c.destroy();

      expect((await post('/api/servers/be/nope/drain')).status).toBe(404);
      expect((await post('/api/servers/be/s1/explode')).status).toBe(404);
      expect((await fetch(env.adminUrl() + '/api/servers/be/s1/drain')).status).toBe(405);
    });
    await server.close();
  });

  test('bearer token is enforced when configured', async () => {
    const server = await rawServer(() => undefined);
    await using(yaml('"s3cret"').replaceAll('ADDR', server.address), async (env) => {
      expect((await fetch(env.adminUrl() + '/api/servers')).status).toBe(401);
      expect((await fetch(env.adminUrl() + '/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(env.adminUrl() + '/api/servers', { headers: { authorization: 'Bearer s3cret' } });
      expect(ok.status).toBe(200);
    });
    await server.close();
  });
});
