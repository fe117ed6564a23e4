/**
 * The load engine (harness/load) against real stand-in nodes: one redis-server and two node processes from
 * dist/standin/node.js on 127.0.236.1-2 (node 1 also MQTT over TLS), real sockets, small counts. Checks the connect
 * rate the token bucket lets through, that the 127.100+ source addresses are what the nodes see, that the phase
 * histograms fill, that the delivery ledger names a real loss and a real duplicate, that runs are bounded, and
 * that errors (refused, timeout, EMFILE under prlimit via dist/bench/load/client-process.js) are classified and
 * named. Build first: npm run build.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LoadEngine } from '../../harness/load/engine.js';
import { PhaseHistograms } from '../../harness/load/histograms.js';
import { ledgerTotals } from '../../harness/load/ledger.js';
import { sourceAddress } from '../../harness/load/addresses.js';
import type { LoadPlan } from '../../harness/load/plan.js';
import type { LoadResult } from '../../harness/load/result.js';
import { generatePki } from '../../harness/pki/pki.js';
import { builtFile } from '../../harness/util/project-root.js';
import { waitFor, withTimeout } from '../../harness/util/wait.js';
import type { ClientRow } from '../../standin/client-info.js';
import { httpJson } from '../helpers/mqtt-clients.js';
import {
  freePort,
  killProcess,
  startNode,
  startRedis,
  type NodeProc,
  type RedisProc,
} from '../helpers/standin-processes.js';

const IPS = ['127.0.236.1', '127.0.236.2'] as const;
let redis: RedisProc | undefined;
const nodes: NodeProc[] = [];
let dir = '';
let ca = '';
let tlsPort = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'load-engine-'));
  const pki = await generatePki(path.join(dir, 'pki'), {
    serverNames: ['load.test'],
    ipAddresses: [...IPS],
    keyType: 'ec-p256',
  });
  ca = readFileSync(pki.ca, 'utf8');
  redis = await startRedis();
  tlsPort = await freePort(IPS[0]);
  const args = (i: number, extra: string[]): string[] => [
    '--name',
    `load${i + 1}`,
    '--bind',
    IPS[i]!,
    '--mqtt-port',
    '0',
    '--http-port',
    '0',
    '--redis',
    `127.0.0.1:${redis!.port}`,
    '--heartbeat-ms',
    '500',
    ...extra,
  ];
  const tls = ['--tls-port', String(tlsPort), '--tls-cert', pki.server.cert, '--tls-key', pki.server.key];
  nodes.push(
    ...(await Promise.all([
      startNode(args(0, tls), { STANDIN_EXIT_WITH_PARENT: '1' }),
      startNode(args(1, []), { STANDIN_EXIT_WITH_PARENT: '1' }),
    ])),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([...nodes.map((n) => killProcess(n)), killProcess(redis)]);
  rmSync(dir, { recursive: true, force: true });
});

const targets = (): LoadPlan['targets'] => nodes.map((n) => n.mqtt);

/** Runs `engine` to its end, bounded (the plan's deadline plus closing). */
const finish = (engine: LoadEngine, ms = 40_000): Promise<LoadResult> =>
  withTimeout(engine.run(), ms, 'the load run to end');

describe('load engine against stand-in nodes', () => {
  test('the connect rate holds: never faster than the token bucket, not much slower on a busy box', async () => {
    const rate = 80;
    const engine = new LoadEngine({
      targets: targets(),
      clients: 160,
      connectRate: rate,
      clientIdPrefix: 'rate-',
      deadlineMs: 20_000,
    });
    const seen: number[] = [];
    engine.on('progress', (p: { attempted: number }) => seen.push(p.attempted));
    const r = await finish(engine);
    expect(r).toMatchObject({ attempted: 160, ready: 160, failed: 0, stoppedBy: 'completed' });
    expect(r.attemptsPerS).toBeLessThanOrEqual(rate * 1.02);
    expect(r.attemptsPerS).toBeGreaterThanOrEqual(rate * 0.75);
    expect(seen.length).toBeGreaterThanOrEqual(1); // progress events during the ~2 s ramp
  });

  test('clients connect from the 127.100+ pool: the nodes see those source addresses', async () => {
    const engine = new LoadEngine({
      targets: targets(),
      clients: 40,
      connectRate: 400,
      clientIdPrefix: 'src-',
      sourcePool: { offset: 300, size: 8 },
      holdMs: 20_000,
      deadlineMs: 30_000,
    });
    const running = engine.run();
    const want = new Set(Array.from({ length: 8 }, (_, k) => sourceAddress(300 + k)));
    const rows = await waitFor(
      async () => {
        const res = await httpJson<{ data: ClientRow[] }>(
          nodes[1]!.http,
          '/api/v5/clients?like_clientid=src-&limit=1000',
        );
        return res.body.data.length === 40 ? res.body.data : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: '40 src- clients in the cluster view' },
    );
    engine.stop();
    const r = await withTimeout(running, 15_000, 'the held run to stop');
    expect(new Set(rows.map((row) => row.ip_address))).toEqual(want);
    expect(new Set(rows.map((row) => row.node))).toEqual(new Set(['load1', 'load2']));
    expect(r).toMatchObject({ ready: 40, stoppedBy: 'stopped' });
  });

  test('TLS and subscribe/publish fill every phase histogram; QoS 1 through the cluster loses nothing', async () => {
    const tlsTarget = { host: IPS[0], port: tlsPort, tls: { ca } };
    const engine = new LoadEngine({
      targets: [tlsTarget, nodes[1]!.mqtt],
      clients: 20,
      connectRate: 200,
      clientIdPrefix: 'ph-',
      subscribe: { every: 2, filters: ['load/ph/{g}'], qos: 1 },
      publish: { every: 4, offset: 1, topic: 'load/ph/{g}', qos: 1, ratePerS: 50, count: 25, payloadBytes: 100 },
      deadlineMs: 30_000,
    });
    const r = await finish(engine);
    const h = PhaseHistograms.decode(r.histograms);
    expect(h.count('tcp')).toBe(20);
    expect(h.count('tls')).toBe(10);
    expect(h.count('connack')).toBe(20);
    expect(h.count('suback')).toBe(10);
    // 5 publishers (1, 5, 9, 13, 17) × 25 messages, each owed to 10 subscribers (0, 2, … 18), one topic group.
    const totals = ledgerTotals(r.ledger)[1];
    expect(r.published).toBe(5 * 25);
    expect(h.count('puback')).toBe(125);
    expect(totals).toMatchObject({ sent: 1250, acked: 1250, lost: 0, duplicated: 0, unexpected: 0 });
    expect(h.count('e2e')).toBe(totals.received);
  });

  test('the ledger names a real loss: a QoS 0 subscriber kicked mid-stream misses what was sent meanwhile', async () => {
    const engine = new LoadEngine({
      targets: [nodes[0]!.mqtt],
      clients: 2,
      connectRate: 100,
      clientIdPrefix: 'lost-',
      subscribe: { every: 2, filters: ['load/lost/x'], qos: 0 },
      publish: { every: 2, offset: 1, topic: 'load/lost/x', qos: 0, ratePerS: 100, count: 300, payloadBytes: 40 },
      reconnect: { delayMs: 300 },
      deadlineMs: 30_000,
    });
    const running = finish(engine);
    await kickWhenPublishing(engine, 'lost-0');
    const r = await running;
    const t = ledgerTotals(r.ledger)[0];
    expect(r.reconnects).toBe(1);
    expect(t).toMatchObject({ sent: 300, acked: 300, duplicated: 0, unexpected: 0 });
    expect(t.lost).toBeGreaterThan(0); // written while the subscriber was away
    expect(t.lost).toBeLessThan(300);
    expect(t.received).toBe(300 - t.lost);
  });

  test('the ledger names real duplicates: a persistent QoS 1 session that never acknowledged gets them again', async () => {
    const engine = new LoadEngine({
      targets: [nodes[0]!.mqtt],
      clients: 2,
      connectRate: 100,
      clientIdPrefix: `dup${process.pid}-`,
      cleanSession: false,
      subscribe: { every: 2, filters: ['load/dup/x'], qos: 1, puback: 'never' },
      publish: { every: 2, offset: 1, topic: 'load/dup/x', qos: 1, ratePerS: 100, count: 200, payloadBytes: 40 },
      reconnect: { delayMs: 200 },
      deadlineMs: 30_000,
    });
    const running = finish(engine);
    await kickWhenPublishing(engine, `dup${process.pid}-0`);
    const r = await running;
    const t = ledgerTotals(r.ledger)[1];
    expect(r.reconnects).toBe(1);
    expect(t).toMatchObject({ sent: 200, acked: 200, lost: 0, unexpected: 0 });
    expect(t.duplicated).toBeGreaterThan(0); // redelivered after the reconnect: the session still owed them
  });

  test('a run is bounded: the deadline ends a long hold by itself and every connection is closed', async () => {
    const engine = new LoadEngine({
      targets: targets(),
      clients: 30,
      connectRate: 300,
      clientIdPrefix: 'bound-',
      holdMs: 600_000,
      deadlineMs: 1500,
    });
    const r = await finish(engine, 20_000);
    expect(r).toMatchObject({ ready: 30, stoppedBy: 'deadline' });
    expect(engine.conns.every((c) => c.state === 'gone')).toBe(true);
    expect(engine.connected).toBe(0);
    await waitFor(
      async () => {
        const res = await httpJson<{ data: ClientRow[] }>(nodes[0]!.http, '/api/v5/clients?like_clientid=bound-');
        return res.body.data.length === 0;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'no bound- clients left in the cluster' },
    );
  });

  test('errors are classified: refused connections and a listener that never answers (setup timeout)', async () => {
    const silent = net.createServer(onSilentConnection);
    const accepted: net.Socket[] = [];
    function onSilentConnection(socket: net.Socket): void {
      accepted.push(socket);
    }
    await new Promise<void>((resolve) => silent.listen(0, IPS[1], resolve));
    const closedPort = await freePort(IPS[1]);
    try {
      const engine = new LoadEngine({
        targets: [
          { host: IPS[1], port: closedPort },
          { host: IPS[1], port: (silent.address() as net.AddressInfo).port },
        ],
        clients: 10,
        connectRate: 200,
        clientIdPrefix: 'err-',
        phaseTimeoutMs: 500,
        deadlineMs: 10_000,
      });
      const r = await finish(engine);
      expect(r).toMatchObject({ attempted: 10, ready: 0, failed: 10 });
      expect(r.errors.counts).toEqual({ ECONNREFUSED: 5, timeout: 5 });
    } finally {
      for (const s of accepted) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test("EMFILE is named as the engine process's open-files limit (an engine run under prlimit --nofile=100)", async () => {
    const job = {
      mode: 'hold',
      targets: targets(),
      clients: 150,
      connectRate: 500,
      sourceAddresses: 2,
      deadlineMs: 20_000,
    };
    const { stdout } = await promisify(execFile)(
      'prlimit',
      ['--nofile=100', process.execPath, builtFile('bench/load/client-process.js'), JSON.stringify(job)],
      { timeout: 40_000 },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))!;
    const r = JSON.parse(line.slice('RESULT '.length)) as {
      held: number;
      errors: Record<string, number>;
      limits_hit: string[];
    };
    expect(r.held).toBeLessThan(100);
    expect(r.held).toBeGreaterThan(30);
    expect(r.errors['EMFILE']).toBe(150 - r.held);
    expect(r.limits_hit).toEqual([
      expect.stringMatching(/^engine open-files limit: \d+ × EMFILE \(soft 100, hard 100/),
    ]);
  });
});

/** Waits until 50 messages are out, then kicks `clientId` through the node's HTTP API (EMQX's DELETE). */
async function kickWhenPublishing(engine: LoadEngine, clientId: string): Promise<void> {
  await waitFor(() => engine.phase === 'publish' && (engine.ledger.data().streams[0]?.sent ?? 0) >= 50, {
    timeoutMs: 15_000,
    what: '50 messages published',
  });
  const kick = await httpJson(nodes[0]!.http, `/api/v5/clients/${clientId}`, 'DELETE');
  expect(kick.status).toBe(204);
}
