/**
 * Integration: the npm package `toxiproxy-node-client`, unchanged, drives a real TS-proxy process
 * (dist/proxy/main.js) through its Toxiproxy-compatible admin API, in front of a real MQTT broker (aedes)
 * and a TCP echo server on loopback: latency measurably delays a round trip on an already established
 * connection and removing it restores; reset_peer resets; timeout 0 blackholes (held, then released);
 * a disabled proxy refuses connections; reset restores everything. Bounded waits only.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { startBroker, type TestBroker } from '../../proxy/test/helpers/brokers.js';
import { waitFor, withTimeout } from '../../proxy/test/helpers/wait.js';

const MAIN = path.resolve('dist/proxy/main.js');

interface Running {
  child: ChildProcess;
  listening: Map<string, string>;
}

function startTsProxy(configFile: string): Promise<Running> {
  const child = spawn(process.execPath, [MAIN, '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const listening = new Map<string, string>();
  let buffered = '';
  let stderr = '';
  child.stderr!.on('data', function onStderr(d: Buffer) {
    stderr += d.toString();
  });
  child.stdout!.on('data', function onStdout(d: Buffer) {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const entry = JSON.parse(line) as { event: string; frontend?: string; address?: string };
      if (entry.event === 'listening') listening.set(entry.frontend!, entry.address!);
    }
  });
  return waitFor(
    () => listening.has('admin') && listening.has('mqtt'),
    `TS-proxy listening (stderr: ${stderr})`,
    15_000,
  )
    .then(() => ({ child, listening }))
    .catch((err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    });
}

function echoServer(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer({ allowHalfOpen: false }, function onEchoSocket(s) {
      s.on('error', () => undefined);
      s.pipe(s);
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(address: string): number {
  return Number(address.split(':').pop());
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Publish → receive on the client's own subscription, in ms. */
async function roundTrip(client: MqttClient, topic: string): Promise<number> {
  const started = performance.now();
  const got = new Promise<void>((resolve) => {
    client.once('message', () => resolve());
  });
  await client.publishAsync(topic, 'ping');
  await withTimeout(got, 10_000, 'round trip');
  return performance.now() - started;
}

describe('toxiproxy-node-client against TS-proxy', () => {
  let dir: string;
  let broker: TestBroker;
  let echo: net.Server;
  let tsProxy: Running;
  let toxiproxy: Toxiproxy;
  let echoProxy: Proxy;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'toxiproxy-client-'));
    broker = await startBroker('node1');
    echo = await echoServer();
    const file = path.join(dir, 'lb.yaml');
    writeFileSync(
      file,
      `global: { log_level: warn }
admin: { bind: "127.0.0.1:0" }
frontends:
  - { name: mqtt, bind: "127.0.0.1:0", backend: nodes, inspect: mqtt }
backends:
  - name: nodes
    health: { type: none }
    servers:
      - { name: node1, address: "${broker.address}" }
`,
    );
    tsProxy = await startTsProxy(file);
    toxiproxy = new Toxiproxy(`http://${tsProxy.listening.get('admin')}`);
    const echoAddress = (echo.address() as net.AddressInfo).port;
    echoProxy = await toxiproxy.createProxy({
      name: 'echo',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echoAddress}`,
    });
  });

  afterAll(async () => {
    if (tsProxy) {
      const exited = new Promise((resolve) => tsProxy.child.once('exit', resolve));
      tsProxy.child.kill('SIGTERM');
      await withTimeout(exited, 10_000, 'TS-proxy exit').catch(() => tsProxy.child.kill('SIGKILL'));
    }
    echo?.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('version and proxies: every frontend is a proxy; createProxy opens a listener on a free port', async () => {
    expect(JSON.parse(await toxiproxy.getVersion())).toHaveProperty('version');
    const all = await toxiproxy.getAll();
    expect(Object.keys(all).sort()).toEqual(['echo', 'mqtt']);
    expect(all.mqtt).toMatchObject({ listen: tsProxy.listening.get('mqtt'), upstream: broker.address, enabled: true });
    expect(echoProxy.enabled).toBe(true);
    expect(portOf(echoProxy.listen)).toBeGreaterThan(0);
    const s = await connect(portOf(echoProxy.listen));
    s.write('hello');
    await waitFor(() => s.read(5)?.toString() === 'hello' || undefined, 'echo through the new proxy');
    s.destroy();
  });

  test('latency on an established MQTT connection delays the round trip; removing it restores', async () => {
    const proxy = await toxiproxy.get('mqtt');
    const client = await mqtt.connectAsync(`mqtt://${proxy.listen}`, { reconnectPeriod: 0, clientId: 'lat' });
    try {
      await client.subscribeAsync('t/lat');
      const before = await roundTrip(client, 't/lat');
      const toxic = await proxy.addToxic({
        name: 'slow',
        type: 'latency',
        stream: 'downstream',
        toxicity: 1,
        attributes: { latency: 300, jitter: 0 },
      });
      expect(toxic.toJson()).toEqual({
        attributes: { latency: 300, jitter: 0 },
        name: 'slow',
        stream: 'downstream',
        toxicity: 1,
        type: 'latency',
      });
      const slowed = await roundTrip(client, 't/lat');
      expect(slowed).toBeGreaterThanOrEqual(300);
      const updated = await toxic.update({ ...toxic.toJson(), attributes: { latency: 600, jitter: 0 } });
      expect(updated.attributes).toEqual({ latency: 600, jitter: 0 });
      expect(await roundTrip(client, 't/lat')).toBeGreaterThanOrEqual(600);
      await updated.remove();
      const after = await waitFor(async () => {
        const ms = await roundTrip(client, 't/lat');
        return ms < 300 ? ms : undefined;
      }, 'round trip back under 300 ms');
      expect(after).toBeLessThan(before + 300);
      expect((await toxiproxy.get('mqtt')).toJson()).toMatchObject({ name: 'mqtt', enabled: true });
    } finally {
      await client.endAsync(true);
    }
  });

  test('reset_peer resets the connection (ECONNRESET) when data flows; removed, connections work again', async () => {
    const toxic = await echoProxy.addToxic({
      name: 'rst',
      type: 'reset_peer',
      stream: 'upstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    const s = await connect(portOf(echoProxy.listen));
    const failed = new Promise<string>((resolve) => {
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      s.once('close', () => resolve('closed without error'));
    });
    s.write('data');
    expect(await withTimeout(failed, 5_000, 'reset')).toBe('ECONNRESET');
    await toxic.remove();
    const again = await connect(portOf(echoProxy.listen));
    again.write('ok');
    await waitFor(() => again.read(2)?.toString() === 'ok' || undefined, 'echo after removal');
    again.destroy();
  });

  test('timeout 0 blackholes an established connection (held, not closed); removing it releases the bytes', async () => {
    const s = await connect(portOf(echoProxy.listen));
    s.write('one');
    await waitFor(() => s.read(3)?.toString() === 'one' || undefined, 'echo before the toxic');
    const fromServer = async () => {
      const servers = (await (await fetch(`${toxiproxy.host}/api/servers`)).json()) as {
        backend: string;
        bytesOut: number;
      }[];
      return servers.find((x) => x.backend === 'toxiproxy:echo')!.bytesOut;
    };
    const base = await fromServer();
    const toxic = await echoProxy.addToxic({
      name: 'hole',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    let received = '';
    s.on('data', function onEchoData(d: Buffer) {
      received += d.toString();
    });
    s.write('two');
    // The proxy has read the echo from the server, yet the client got nothing and the connection is open.
    await waitFor(async () => (await fromServer()) >= base + 3, 'the echo read by the proxy');
    expect(received).toBe('');
    expect(s.destroyed).toBe(false);
    await toxic.remove();
    await waitFor(() => received === 'two' || undefined, 'held bytes released');
    s.destroy();
  });

  test('a disabled proxy refuses connections; reset enables it and removes every toxic', async () => {
    await echoProxy.addToxic({
      name: 'lat',
      type: 'latency',
      stream: 'upstream',
      toxicity: 1,
      attributes: { latency: 1 },
    });
    const disabled = await echoProxy.update({ ...echoProxy.toJson(), enabled: false });
    expect(disabled.enabled).toBe(false);
    await expect(connect(portOf(echoProxy.listen))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await toxiproxy.reset();
    const after = await toxiproxy.get('echo');
    expect(after.enabled).toBe(true);
    const raw = (await (await fetch(`${toxiproxy.host}/proxies/echo/toxics`)).json()) as unknown[];
    expect(raw).toEqual([]);
    const s = await connect(portOf(after.listen));
    s.destroy();
  });

  test('errors: unknown proxy 404, duplicate proxy 409, unknown toxic type 400', async () => {
    await expect(toxiproxy.get('nope')).rejects.toThrow(/404/);
    await expect(
      toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }),
    ).rejects.toThrow(/409/);
    await expect(
      echoProxy.addToxic({ name: 'x', type: 'down', stream: 'upstream', toxicity: 1, attributes: {} }),
    ).rejects.toThrow(/400/);
    await echoProxy.remove();
    expect(Object.keys(await toxiproxy.getAll())).toEqual(['mqtt']);
  });
});
