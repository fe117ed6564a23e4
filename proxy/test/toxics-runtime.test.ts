/**
 * Integration (in-process TS-proxy, real sockets): toxics on live connections through the admin API —
 * bytes intact through slicer + bandwidth at the configured rate, limit_data, slow_close, toxicity 0,
 * upstream vs downstream, and proxies created through the API surviving a config reload.
 */
import { describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import type net from 'node:net';
import { parseProxyConfig } from '../config/index.js';
import { rawServer, readBytes } from './helpers/clients.js';
import { connectClient, l4Config, using } from './helpers/l4.js';
import type { ProxyEnv } from './helpers/proxy-env.js';
import { waitFor, withTimeout } from './helpers/wait.js';

async function api(env: ProxyEnv, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(env.adminUrl() + path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function addToxic(env: ProxyEnv, type: string, stream: string, attributes: object, toxicity = 1): Promise<any> {
  return api(env, 'POST', '/proxies/tcp/toxics', { type, stream, toxicity, attributes });
}

function echoOnEnd(s: net.Socket): void {
  const got: Buffer[] = [];
  s.on('data', (c: Buffer) => got.push(c));
  s.on('end', () => s.end(Buffer.concat(got)));
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('toxics on live connections', () => {
  test('slicer upstream + bandwidth downstream: every byte intact, downstream at the configured rate', async () => {
    const server = await rawServer((s) => s.pipe(s));
    await using(l4Config(server.address), async (env) => {
      const c = await connectClient(env.port());
      c.write('warm');
      expect((await readBytes(c, 4)).toString()).toBe('warm');
      await addToxic(env, 'slicer', 'upstream', { average_size: 100, size_variation: 50, delay: 100 });
      await addToxic(env, 'bandwidth', 'downstream', { rate: 200 });
      const payload = randomBytes(60_000);
      const started = performance.now();
      c.write(payload);
      const back = await readBytes(c, payload.length, 10_000);
      const ms = performance.now() - started;
      expect(sha(back)).toBe(sha(payload));
      expect(ms).toBeGreaterThanOrEqual(250); // 60 KB at 200 KB/s = 300 ms (timer granularity ± a few ms)
      c.destroy();
    });
    await server.close();
  });

  test('limit_data upstream: the server gets exactly `bytes`, then the connection is closed', async () => {
    const received: Buffer[] = [];
    const server = await rawServer((s) => s.on('data', (d: Buffer) => received.push(d)));
    await using(l4Config(server.address), async (env) => {
      await addToxic(env, 'limit_data', 'upstream', { bytes: 10 });
      const c = await connectClient(env.port());
      const closed = new Promise((resolve) => c.once('close', resolve));
      c.on('error', () => undefined);
      c.write('0123456789abcdef');
      await withTimeout(closed, 5_000, 'client closed');
      await waitFor(() => Buffer.concat(received).toString() === '0123456789' || undefined, 'server got 10 bytes');
      const log = await env.waitForLog((l) => l.event === 'close', 'close line');
      expect(log).toMatchObject({ reason: 'toxic-close', detail: 'limit_data toxic: 10 bytes' });
    });
    await server.close();
  });

  test('slow_close downstream: the server FIN reaches the client `delay` later', async () => {
    const server = await rawServer(echoOnEnd, { allowHalfOpen: true });
    await using(l4Config(server.address), async (env) => {
      await addToxic(env, 'slow_close', 'downstream', { delay: 300 });
      const c = await connectClient(env.port(), { port: env.port(), allowHalfOpen: true });
      const data: Buffer[] = [];
      let dataAt = 0;
      c.on('data', (d: Buffer) => {
        data.push(d);
        dataAt = performance.now();
      });
      const ended = new Promise<number>((resolve) => c.once('end', () => resolve(performance.now())));
      c.end('bye');
      const endAt = await withTimeout(ended, 5_000, 'client end');
      expect(Buffer.concat(data).toString()).toBe('bye');
      expect(endAt - dataAt).toBeGreaterThanOrEqual(290);
      c.destroy();
    });
    await server.close();
  });

  test('toxicity 0 leaves connections alone; a blackhole upstream holds the client bytes only', async () => {
    const server = await rawServer((s) => s.pipe(s));
    await using(l4Config(server.address), async (env) => {
      await addToxic(env, 'timeout', 'upstream', { timeout: 0 }, 0);
      const c = await connectClient(env.port());
      c.write('free');
      expect((await readBytes(c, 4)).toString()).toBe('free');
      c.destroy();
      await api(env, 'DELETE', '/proxies/tcp/toxics/timeout_upstream');
      await addToxic(env, 'timeout', 'upstream', { timeout: 0 });
      const bytesIn = async () => ((await api(env, 'GET', '/api/status')).frontends[0].bytesIn as number) ?? 0;
      const base = await bytesIn();
      const held = await connectClient(env.port());
      const got: Buffer[] = [];
      held.on('data', (d: Buffer) => got.push(d));
      held.write('held');
      await waitFor(() => server.accepted === 2 || undefined, 'server connection');
      const serverSide = [...server.sockets].at(-1)!;
      await waitFor(async () => (await bytesIn()) >= base + 4 || undefined, 'the proxy read the client bytes');
      expect(serverSide.bytesRead).toBe(0);
      await api(env, 'DELETE', '/proxies/tcp/toxics/timeout_upstream');
      await waitFor(() => Buffer.concat(got).toString() === 'held' || undefined, 'released and echoed');
      held.destroy();
    });
    await server.close();
  });

  test('a proxy created through the API survives a config reload; populate keeps or adds proxies', async () => {
    const server = await rawServer((s) => s.pipe(s));
    const yaml = l4Config(server.address);
    await using(yaml, async (env) => {
      const created = await api(env, 'POST', '/proxies', {
        name: 'extra',
        listen: '127.0.0.1:0',
        upstream: server.address,
      });
      expect(created).toMatchObject({ name: 'extra', upstream: server.address, enabled: true, toxics: [] });
      await env.proxy.reload(parseProxyConfig(yaml, 'test.yaml'));
      const all = await api(env, 'GET', '/proxies');
      expect(Object.keys(all).sort()).toEqual(['extra', 'tcp']);
      await expect(api(env, 'POST', '/populate', [{ name: 'x' }])).rejects.toThrow(/400.*upstream at proxy 1/);
      const populated = await api(env, 'POST', '/populate', [
        { name: 'extra', listen: created.listen, upstream: server.address },
        { name: 'more', listen: '127.0.0.1:0', upstream: server.address, enabled: false },
      ]);
      expect(populated.proxies.map((p: { name: string; enabled: boolean }) => [p.name, p.enabled])).toEqual([
        ['extra', true],
        ['more', false],
      ]);
      const c = await connectClient(Number(String(created.listen).split(':').pop()));
      c.write('x');
      expect((await readBytes(c, 1)).toString()).toBe('x');
      c.destroy();
    });
    await server.close();
  });
});
