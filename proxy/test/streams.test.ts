/**
 * Integration: half-close, backpressure in both directions, handshake and idle timeouts (slowloris).
 */
import { describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { rawServer, readBytes } from './helpers/clients.js';
import { connectClient, l4Config, using } from './helpers/l4.js';
import { connectPacket } from './helpers/packets.js';
import { sendRaw } from './helpers/proxy-env.js';
import { waitFor, withTimeout } from './helpers/wait.js';

/** Waits until `count()` stops growing: unchanged over two consecutive 100 ms windows (backpressure holds). */
async function waitForStall(count: () => number, what: string): Promise<void> {
  let last = -1;
  await waitFor(
    async () => {
      const now = count();
      await new Promise((r) => setTimeout(r, 100));
      const stalled = count() === now && now === last;
      last = now;
      return stalled;
    },
    what,
    10_000,
  );
}

/** Writes `total` bytes in 64 KB chunks as fast as the socket takes them (waiting for 'drain'), hashing what it
 *  wrote, then ends the socket. */
class Pump {
  accepted = 0;
  readonly sent = createHash('sha256');
  private i = 0;

  constructor(
    private readonly total: number,
    private readonly chunk: (i: number) => Buffer,
  ) {}

  run(s: net.Socket): void {
    const next = (): void => {
      while (this.accepted < this.total) {
        const c = this.chunk(this.i++);
        this.sent.update(c);
        this.accepted += c.length;
        if (!s.write(c)) return void s.once('drain', next);
      }
      s.end();
    };
    next();
  }
}

/** A 64 KB chunk filled with its index (a reordered chunk changes the hash). */
const patterned = (i: number): Buffer => Buffer.alloc(64 * 1024, i & 0xff);

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
    const pump = new Pump(total, patterned);
    const server = await rawServer((s) => pump.run(s));
    await using(l4Config(server.address), async (env) => {
      const c = await connectClient(env.port());
      c.pause();
      await waitFor(() => pump.accepted > 0, 'server started');
      await waitForStall(() => pump.accepted, 'server stalls');
      expect(pump.accepted).toBeLessThan(total / 2);
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
      expect(got.digest('hex')).toBe(pump.sent.digest('hex'));
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
      const pump = new Pump(total, patterned);
      pump.run(c);
      await waitFor(() => serverSocket, 'server socket');
      await waitForStall(() => pump.accepted, 'client stalls');
      expect(pump.accepted).toBeLessThan(total / 2);
      const done = new Promise<void>((r) => serverSocket!.once('end', () => r()));
      serverSocket!.on('data', (d: Buffer) => {
        got.update(d);
        received += d.length;
      });
      serverSocket!.resume();
      await withTimeout(done, 20_000, 'all bytes at the server');
      expect(received).toBe(total);
      expect(got.digest('hex')).toBe(pump.sent.digest('hex'));
      c.destroy();
    });
    await server.close();
  });
});

describe('many connections at once', () => {
  test("a stalled connection's queued bytes stay intact while another connection forwards", async () => {
    const total = 32 * 1024 * 1024;
    const pump = new Pump(total, () => randomBytes(64 * 1024));
    const server = await rawServer((s) => {
      s.once('data', (first: Buffer) => {
        if (first.toString() !== 'send') return void (s.write(first), s.pipe(s));
        pump.run(s);
      });
    });
    await using(l4Config(server.address), async (env) => {
      const stalled = await connectClient(env.port());
      stalled.pause();
      stalled.write('send');
      await waitFor(() => pump.accepted > 0, 'server started');
      await waitForStall(() => pump.accepted, 'server stalls');

      const echo = await connectClient(env.port());
      const data = randomBytes(8 * 1024 * 1024);
      const echoed: Buffer[] = [];
      let echoedBytes = 0;
      const echoDone = new Promise<void>((resolve) =>
        echo.on('data', (d: Buffer) => {
          echoed.push(d);
          if ((echoedBytes += d.length) >= data.length) resolve();
        }),
      );
      for (let off = 0; off < data.length; off += 50_000) echo.write(data.subarray(off, off + 50_000));
      await withTimeout(echoDone, 20_000, 'echo of 8 MB');
      expect(Buffer.concat(echoed).equals(data)).toBe(true);
      echo.destroy();

      const got = createHash('sha256');
      let received = 0;
      stalled.on('data', (d: Buffer) => {
        got.update(d);
        received += d.length;
      });
      const ended = new Promise<void>((r) => stalled.once('end', () => r()));
      stalled.resume();
      await withTimeout(ended, 20_000, 'the stalled connection catches up');
      expect(received).toBe(total);
      expect(got.digest('hex')).toBe(pump.sent.digest('hex'));
      stalled.destroy();
    });
    await server.close();
  });
});

describe('timeouts (slowloris)', () => {
  test('a client that never sends is closed at the handshake timeout with a log line', async () => {
    const server = await rawServer(() => undefined);
    await using(
      l4Config(server.address).replace('inspect: none', 'inspect: mqtt\n    timeouts: { handshake: 300ms, idle: 5s }'),
      async (env) => {
        const r = await sendRaw(env.port(), null, 3_000);
        expect(r.closed).toBe(true);
        expect(r.ms).toBeGreaterThanOrEqual(250);
        expect(r.ms).toBeLessThan(2_000);
        const line = await env.waitForLog((l) => l.event === 'close', 'close line');
        expect(line).toMatchObject({ level: 'warn', reason: 'handshake-timeout', server: null });
        expect(server.accepted).toBe(0);
      },
    );
    await server.close();
  });

  test('a trickling client (1 byte / 100 ms) cannot extend the handshake deadline', async () => {
    const server = await rawServer(() => undefined);
    await using(
      l4Config(server.address).replace('inspect: none', 'inspect: mqtt\n    timeouts: { handshake: 400ms, idle: 5s }'),
      async (env) => {
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
      },
    );
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
