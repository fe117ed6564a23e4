/**
 * The locally built images (scripts/docker/build-images.sh) on a real engine: a run network, Redis and HAProxy
 * reachable on published loopback ports, DNS aliases set at create time, pause/unpause/kill, and sweeping by run
 * label. Skipped, with the reason printed and in the test name, when no engine answers or the images are missing.
 */
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import '../../harness/docker/env.js';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import mqtt from 'mqtt';
import {
  RUN_LABEL,
  docker,
  dockerAvailable,
  missingImages,
  sweepRun,
  sweepStaleRuns,
  listRuns,
  demuxLogs,
  containerLogs,
} from '../../harness/docker/engine.js';
import { NetContainer, startRunNetwork } from '../../harness/docker/net-container.js';
import { BUILD_IMAGES_HINT, IMAGES } from '../../harness/docker/images.js';
import { HAPROXY_CFG_PATH } from '../../harness/balancer/haproxy/start-failure.js';

const engine = await dockerAvailable(1500);
const missing = engine.ok ? await missingImages([IMAGES.redis, IMAGES.haproxy]) : [];
const skipReason = !engine.ok
  ? `no Docker engine answers (${engine.reason}); run scripts/docker/start-dockerd.sh`
  : missing.length
    ? `images missing: ${missing.join(', ')}; run ${BUILD_IMAGES_HINT}`
    : '';
if (skipReason) console.warn(`[docker-images] SKIPPED: ${skipReason}`);
const standinSkip =
  skipReason ||
  ((await missingImages([IMAGES.standin])).length ? `${IMAGES.standin} missing; run ${BUILD_IMAGES_HINT}` : '');
const suite = skipReason ? describe.skip : describe;
const title = skipReason
  ? `docker images (skipped: ${skipReason})`
  : `docker images (engine ${engine.ok ? engine.version : ''})`;

/** Send a Redis PING to 127.0.0.1:port; resolves with the first reply, rejects on error/close/timeout. */
function redisPing(port: number, timeoutMs = 1500): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('TIMEOUT'));
    }, timeoutMs);
    const done = (err: Error | null, v?: string) => {
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(v!);
    };
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (b) => done(null, b.toString('utf8').trim()));
    s.once('error', (e) => done(e));
    s.once('close', () => done(new Error('CLOSED')));
  });
}

async function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
  return { status: res.status, body: await res.text() };
}

const HAPROXY_CFG = `
global
  log stdout format raw local0
defaults
  log global
  timeout connect 1s
  timeout client 60s
  timeout server 60s
resolvers docker
  nameserver dns 127.0.0.11:53
frontend fe_redis
  mode tcp
  bind :6380
  default_backend be_redis
backend be_redis
  mode tcp
  server r1 redis:6379 check inter 300ms fall 2 rise 1 resolvers docker init-addr last,libc,none
frontend fe_admin
  mode http
  bind :8404
  http-request return status 200 content-type text/plain string "ok" if { path /health }
`;

suite(title, () => {
  const runId = `t-${Date.now()}-${randomBytes(2).toString('hex')}`;
  const timings: Record<string, number> = {};
  const time = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      timings[name] = Date.now() - t0;
    }
  };
  let network: StartedNetwork;
  let redis: StartedTestContainer;
  let haproxy: StartedTestContainer;
  let started = 0;
  let keepAlive: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    // testcontainers unref()s its log streams: keep the event loop alive while containers start
    keepAlive = setInterval(() => {}, 60_000);
    network = await time('network', () => startRunNetwork(runId));
    redis = await time('redis start', () =>
      new NetContainer(IMAGES.redis, network, ['redis'], runId)
        .withExposedPorts(6379)
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .withStartupTimeout(20_000)
        .start(),
    );
    started++;
    haproxy = await time('haproxy start', () =>
      new NetContainer(IMAGES.haproxy, network, ['lb'], runId)
        .withCopyContentToContainer([{ content: HAPROXY_CFG, target: HAPROXY_CFG_PATH }])
        .withExposedPorts(6380, 8404)
        .withWaitStrategy(Wait.forHttp('/health', 8404, { abortOnContainerExit: true }).forStatusCode(200))
        .withStartupTimeout(20_000)
        .start(),
    );
    started++;
  });

  afterAll(async () => {
    clearInterval(keepAlive);
    await sweepRun(runId); // safety net; the last test asserts the sweep itself
    console.log(`[docker-images] timings (ms): ${JSON.stringify(timings)}`);
  });

  test('redis and haproxy answer on published loopback ports; haproxy reaches redis by its alias', async () => {
    expect(redis.getHost()).toBe('127.0.0.1');
    expect(await redisPing(redis.getMappedPort(6379))).toBe('+PONG');
    expect(await httpGet(haproxy.getMappedPort(8404), '/health')).toEqual({ status: 200, body: 'ok' });
    // through haproxy: lb -> redis (DNS alias on the run network); the first check may still be pending
    let reply = '';
    for (let i = 0; i < 20 && reply !== '+PONG'; i++) {
      reply = await redisPing(haproxy.getMappedPort(6380), 1000).catch((e: Error) => e.message);
      if (reply !== '+PONG') await new Promise((r) => setTimeout(r, 200));
    }
    expect(reply).toBe('+PONG');
    // the containers joined only the run network, with their aliases and the run label
    const info = await docker().getContainer(redis.getId()).inspect();
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([network.getName()]);
    expect(info.NetworkSettings.Networks[network.getName()].Aliases).toContain('redis');
    expect(info.Config.Labels[RUN_LABEL]).toBe(runId);
  });

  (standinSkip ? test.skip : test)(
    `stand-in image: READY, HTTP API and MQTT on published ports${standinSkip ? ` (skipped: ${standinSkip})` : ''}`,
    async () => {
      const node = await time('standin start', () =>
        new NetContainer(IMAGES.standin, network, ['node1'], runId)
          .withCommand([
            '--name',
            'node1',
            '--bind',
            '0.0.0.0',
            '--mqtt-port',
            '1883',
            '--http-port',
            '18083',
            '--redis',
            'redis:6379',
          ])
          .withExposedPorts(1883, 18083)
          .withWaitStrategy(Wait.forLogMessage(/READY \{/))
          .withStartupTimeout(20_000)
          .start(),
      );
      started++;
      const status = await httpGet(node.getMappedPort(18083), '/status');
      expect(status.status).toBe(200);
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${node.getMappedPort(1883)}`, {
        clientId: `probe-${runId}`,
        reconnectPeriod: 0,
        connectTimeout: 3000,
      });
      try {
        const got = new Promise<string>((resolve) => client.once('message', (_t, m) => resolve(m.toString())));
        await client.subscribeAsync('probe/t', { qos: 1 });
        await client.publishAsync('probe/t', 'hello', { qos: 1 });
        expect(await got).toBe('hello');
      } finally {
        await client.endAsync();
      }
      expect(await containerLogs(node.getId())).toMatch(/READY \{"name":"node1"/);
    },
  );

  test('pause silences redis, unpause brings it back', async () => {
    const c = docker().getContainer(redis.getId());
    const port = redis.getMappedPort(6379);
    await time('pause', () => c.pause());
    await expect(redisPing(port, 700)).rejects.toThrow('TIMEOUT');
    await time('unpause', () => c.unpause());
    expect(await redisPing(port)).toBe('+PONG');
  });

  test('kill stops redis: its published port refuses connections', async () => {
    const c = docker().getContainer(redis.getId());
    const port = redis.getMappedPort(6379);
    await time('kill', () => c.kill());
    expect((await c.inspect()).State.Running).toBe(false);
    await expect(redisPing(port, 1500)).rejects.toThrow(/ECONNREFUSED|CLOSED/);
  });

  test('sweepStaleRuns removes only runs reported dead; sweepRun removes the run', async () => {
    // a second, "stale" run with a network and a paused container
    const staleRun = `${runId}-stale`;
    const staleNet = await startRunNetwork(staleRun);
    const stale = await new NetContainer(IMAGES.redis, staleNet, ['redis'], staleRun)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start();
    await docker().getContainer(stale.getId()).pause();
    const runs = await listRuns();
    expect(runs.has(staleRun)).toBe(true);
    expect(runs.has(runId)).toBe(true);

    const r = await time('sweepStaleRuns', () => sweepStaleRuns((id) => id !== staleRun));
    expect(r.swept).toEqual([staleRun]);
    expect(r.errors).toEqual([]);

    const mine = await time('sweepRun', () => sweepRun(runId));
    expect(mine).toEqual({ containers: started, networks: 1, errors: [] });

    const left = await docker().listContainers({ all: true, filters: { label: [RUN_LABEL] } });
    expect(left.filter((c) => c.Labels[RUN_LABEL].startsWith(runId))).toEqual([]);
    const leftNets = await docker().listNetworks({ filters: { label: [RUN_LABEL] } });
    expect(leftNets.filter((n) => (n.Labels ?? {})[RUN_LABEL]?.startsWith(runId))).toEqual([]);
  });
});

// No engine needed below.
describe('docker helpers (no engine)', () => {
  test('demuxLogs strips frame headers and passes TTY text through', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const h = Buffer.alloc(8);
      h[0] = stream;
      h.writeUInt32BE(body.length, 4);
      return Buffer.concat([h, body]);
    };
    expect(demuxLogs(Buffer.concat([frame(1, 'READY {}\n'), frame(2, 'warn\n')]))).toBe('READY {}\nwarn\n');
    expect(demuxLogs(Buffer.from('plain tty output\n'))).toBe('plain tty output\n');
  });

  test('runtime-files.mjs lists the program, its relative imports and the package closure, not test code', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlb-rtf-'));
    try {
      const w = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
      };
      w('dist/app/main.js', "import a from 'pkg-a';\nimport { x } from '../lib/util.js';\nimport 'node:fs';\n");
      w('dist/app/testing/helper.js', "import t from 'test-only';\n");
      w('dist/lib/util.js', 'export const x = 1;\n');
      w(
        'node_modules/pkg-a/package.json',
        JSON.stringify({ name: 'pkg-a', dependencies: { 'pkg-b': '1' }, optionalDependencies: { gone: '1' } }),
      );
      w('node_modules/pkg-a/index.js', '');
      w('node_modules/pkg-a/README.md', '');
      w(
        'node_modules/pkg-a/node_modules/pkg-b/package.json',
        JSON.stringify({ name: 'pkg-b', dependencies: { 'pkg-c': '1' } }),
      );
      w('node_modules/pkg-c/package.json', JSON.stringify({ name: 'pkg-c' }));
      w('node_modules/test-only/package.json', JSON.stringify({ name: 'test-only' }));
      const out = execFileSync(
        process.execPath,
        ['scripts/docker/runtime-files.mjs', '--root', root, '--entry', 'dist/app/main.js'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(out.trim().split('\n')).toEqual([
        'dist/app/main.js',
        'dist/lib/util.js',
        'node_modules/pkg-a/index.js',
        'node_modules/pkg-a/node_modules/pkg-b/package.json',
        'node_modules/pkg-a/package.json',
        'node_modules/pkg-c/package.json',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
