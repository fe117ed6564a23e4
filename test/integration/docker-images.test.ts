/**
 * The locally built images (scripts/docker/build-images.sh) on a real engine: a run network, Redis and HAProxy
 * reachable on published loopback ports, DNS aliases set at create time, pause/unpause/kill, and sweeping by run
 * label. Skipped, with the reason printed and in the test name, when no engine answers or the images are missing.
 */
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import '../../harness/docker/env.js';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import {
  RUN_LABEL,
  docker,
  dockerAvailable,
  missingImages,
  sweepRun,
  sweepStaleRuns,
  listRuns,
} from '../../harness/docker/engine.js';
import { NetContainer, startRunNetwork } from '../../harness/docker/net-container.js';
import { BUILD_IMAGES_HINT, HAPROXY_CFG_PATH, IMAGES } from '../../harness/docker/images.js';

const engine = await dockerAvailable(1500);
const missing = engine.ok ? await missingImages([IMAGES.redis, IMAGES.haproxy]) : [];
const skipReason = !engine.ok
  ? `no Docker engine answers (${engine.reason}); run scripts/docker/start-dockerd.sh`
  : missing.length
    ? `images missing: ${missing.join(', ')}; run ${BUILD_IMAGES_HINT}`
    : '';
if (skipReason) console.warn(`[docker-images] SKIPPED: ${skipReason}`);
const suite = skipReason ? describe.skip : describe;
const title = skipReason ? `docker images (skipped: ${skipReason})` : `docker images (engine ${engine.ok ? engine.version : ''})`;

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
    haproxy = await time('haproxy start', () =>
      new NetContainer(IMAGES.haproxy, network, ['lb'], runId)
        .withCopyContentToContainer([{ content: HAPROXY_CFG, target: HAPROXY_CFG_PATH }])
        .withExposedPorts(6380, 8404)
        .withWaitStrategy(Wait.forHttp('/health', 8404, { abortOnContainerExit: true }).forStatusCode(200))
        .withStartupTimeout(20_000)
        .start(),
    );
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
    expect(mine).toEqual({ containers: 2, networks: 1, errors: [] });

    const left = await docker().listContainers({ all: true, filters: { label: [RUN_LABEL] } });
    expect(left.filter((c) => c.Labels[RUN_LABEL].startsWith(runId))).toEqual([]);
    const leftNets = await docker().listNetworks({ filters: { label: [RUN_LABEL] } });
    expect(leftNets.filter((n) => (n.Labels ?? {})[RUN_LABEL]?.startsWith(runId))).toEqual([]);
  });
});
