/**
 * Integration: maxconn (server and global, queue and refuse), per-source rate limit, PROXY headers.
 */
import { describe, expect, test } from '@jest/globals';
import { rawServer, readBytes } from './helpers/clients.js';
import { connectClient, l4Config, using } from './helpers/l4.js';
import { connectPacket } from './helpers/packets.js';
import { decodeProxyHeader } from './helpers/proxy-decoder.js';
import { sendRaw } from './helpers/proxy-env.js';
import { waitFor } from './helpers/wait.js';

describe('limits', () => {
  test('per-server maxconn with queue: the next connection waits and proceeds when a slot frees', async () => {
    const server = await rawServer((s) => s.on('data', (d) => s.write(d)));
    await using(
      l4Config(server.address, '', '    maxconn_policy: queue\n    timeouts: { queue: 3s }', ', maxconn: 1'),
      async (env) => {
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
      },
    );
    await server.close();
  });

  test('per-server maxconn with queue: the queue timeout closes the waiting connection', async () => {
    const server = await rawServer(() => undefined);
    await using(
      l4Config(server.address, '', '    maxconn_policy: queue\n    timeouts: { queue: 200ms }', ', maxconn: 1'),
      async (env) => {
        const a = await connectClient(env.port());
        const r = await sendRaw(env.port(), Buffer.from('x'), 3_000);
        expect(r.closed).toBe(true);
        await env.waitForLog((l) => l.reason === 'queue-timeout', 'queue-timeout line');
        a.destroy();
      },
    );
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
    await using(
      `global: { maxconn: 1, maxconn_policy: queue, queue_timeout: 3s }\n` + l4Config(server.address),
      async (env) => {
        const first = await connectClient(env.port());
        const second = await connectClient(env.port());
        await waitFor(() => env.proxy.gate.queued === 1, 'second queued');
        first.destroy();
        await waitFor(() => env.proxy.gate.queued === 0 && env.proxy.gate.active === 1, 'second admitted');
        second.destroy();
      },
    );
    await server.close();
  });

  test('per-source connection rate limit', async () => {
    const server = await rawServer(() => undefined);
    await using(l4Config(server.address, '    rate_limit: { per_source_per_s: 5 }'), async (env) => {
      const results = await Promise.all(Array.from({ length: 15 }, () => sendRaw(env.port(), null, 500)));
      await waitFor(() => env.closeLogs().length === 15 || undefined, '15 close lines');
      const refused = env.closeLogs((l) => l.reason === 'rate-limited');
      expect(refused.length).toBeGreaterThanOrEqual(5); // burst 5, then 1 per 200 ms
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
      await using(
        l4Config(server.address, '', `    send_proxy: ${version}`).replace('inspect: none', 'inspect: mqtt'),
        async (env) => {
          const c = await connectClient(env.port());
          const pkt = connectPacket({ clientId: 'pp-client' });
          c.write(pkt);
          const all = await waitFor(() => {
            const b = Buffer.concat(firstBytes);
            const h = b.length ? decodeProxyHeader(b) : undefined;
            return h && b.length >= h.length + pkt.length ? { h, b } : undefined;
          }, 'header and CONNECT');
          expect(all.h).toMatchObject({
            version: version === 'v1' ? 1 : 2,
            command: 'PROXY',
            sourcePort: c.localPort,
            destPort: env.port(),
          });
          expect(all.h.source).toBe('127.0.0.1');
          expect(all.b.subarray(all.h.length).equals(pkt)).toBe(true);
          c.destroy();
        },
      );
      await server.close();
    });
  }

  test('health checks carry the PROXY header too (v2 LOCAL), like HAProxy check-send-proxy', async () => {
    const seen: Buffer[] = [];
    const server = await rawServer((s) => s.on('data', (d) => seen.push(d)));
    await using(
      l4Config(server.address, '', '    send_proxy: v2').replace(
        'health: { type: none }',
        'health: { type: tcp, inter: 100ms }',
      ),
      async (env) => {
        await waitFor(() => seen.length > 0, 'check bytes');
        expect(decodeProxyHeader(seen[0])).toMatchObject({ version: 2, command: 'LOCAL' });
        expect(env.proxy.servers()[0].checkStatus).toBe('L4OK');
      },
    );
    await server.close();
  });
});
