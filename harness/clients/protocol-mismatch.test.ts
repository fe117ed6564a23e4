import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import path from 'node:path';
import { ClientPool } from './mqtt.js';
import { probeConnect } from './connect-probe.js';
import { isProtocolMismatch, ProtocolMismatchError } from './protocol-mismatch.js';
import { protocolDiagnostics } from './protocol-diagnostics.js';
import { loadProfile } from '../profile/load.js';
import { staticBalancerFacts } from '../balancer/static-facts.js';
import type { Finding } from '../report/summary-types.js';
import type { Endpoints, HostPort } from '../types.js';

const HAPROXY_400 =
  'HTTP/1.1 400 Bad request\r\nContent-length: 90\r\nCache-Control: no-cache\r\nConnection: close\r\n' +
  'Content-Type: text/html\r\n\r\n<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n';

/** A real TCP server that answers every connection the way `handle` says. */
async function server(handle: (s: net.Socket) => void): Promise<{ target: HostPort; close: () => Promise<void> }> {
  const srv = net.createServer(handle);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return { target: { host: '127.0.0.1', port }, close: () => new Promise((r) => srv.close(() => r())) };
}

const answerHttp400 = (s: net.Socket): void => {
  const onData = (): void => void s.end(HAPROXY_400);
  s.once('data', onData);
};
const closeOnConnect = (s: net.Socket): void => {
  const onData = (): void => void s.destroy();
  s.once('data', onData);
};

async function connectError(pool: ClientPool, target: HostPort): Promise<{ err: unknown; ms: number }> {
  const t0 = Date.now();
  const err = await pool.connect(target, { clientId: 'pm' }, 5000).then(
    () => new Error('connected'),
    (e: unknown) => e,
  );
  return { err, ms: Date.now() - t0 };
}

async function factsOf(profile: string) {
  return (await staticBalancerFacts(loadProfile(path.resolve('fixtures', profile))))!;
}

function frontendsAt(target: HostPort, line: number): Endpoints['frontends'] {
  return { emqx_tcp: { ...target, tls: false, backend: 'emqx_tcp_back', line } };
}

describe('ClientPool.connect against servers that do not speak MQTT', () => {
  const pool = new ClientPool();
  let http: Awaited<ReturnType<typeof server>>;
  let closer: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    http = await server(answerHttp400);
    closer = await server(closeOnConnect);
  });
  afterAll(async () => {
    await pool.closeAll();
    await http.close();
    await closer.close();
  });

  test('an HTTP 400 answer rejects at once with ProtocolMismatchError(http) quoting the status line', async () => {
    const { err, ms } = await connectError(pool, http.target);
    expect(isProtocolMismatch(err)).toBe(true);
    expect(err).toMatchObject({ seen: 'http', firstLine: 'HTTP/1.1 400 Bad request' });
    expect((err as Error).message).toMatch(/answered MQTT CONNECT with HTTP \(HTTP\/1\.1 400 Bad request\)/);
    expect(ms).toBeLessThan(2000);
  });

  test('probeConnect (for mosquitto checks) reads the same HTTP answer; nothing from a silent close', async () => {
    expect(await probeConnect(http.target)).toMatchObject({ seen: 'http', firstLine: 'HTTP/1.1 400 Bad request' });
    expect(await probeConnect(closer.target)).toBeUndefined();
  });

  test('a close before any byte rejects at once (not at the connect deadline) with seen: nothing', async () => {
    const { err, ms } = await connectError(pool, closer.target);
    expect(err).toMatchObject({ seen: 'nothing' });
    expect((err as Error).message).toMatch(/closed the connection without answering MQTT CONNECT/);
    expect(ms).toBeLessThan(2000);
  });

  test('with diagnostics, the `mode http` fixture names line 9 in the error and reports one finding', async () => {
    const facts = await factsOf('broken/mode-http.yaml');
    const findings: Finding[] = [];
    pool.diagnostics = protocolDiagnostics(
      { balancerFacts: facts, endpoints: { mqtt: http.target, frontends: frontendsAt(http.target, 37) } },
      false,
      (f) => findings.push(f),
      () => 'this test',
    );
    const [a, b] = await Promise.all([connectError(pool, http.target), connectError(pool, http.target)]);
    pool.diagnostics = undefined;
    expect((a.err as Error).message).toMatch(/mode-http\.cfg:9/);
    expect((b.err as ProtocolMismatchError).explanation).toMatchObject({
      line: 9,
      remedy: expect.stringMatching(/^mode tcp/),
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'error',
      file: facts.file,
      line: 9,
      title:
        'the balancer answered MQTT CONNECT with HTTP (HTTP/1.1 400 Bad request): frontend emqx_tcp runs in `mode http` (line 9)',
    });
    expect(findings[0]!.detail).toMatch(/in defaults, inherited by frontend emqx_tcp/);
  });

  test('with diagnostics, a silent close behind `send-proxy-v2` names the default-server line (23)', async () => {
    const facts = await factsOf('broken/send-proxy-to-plain-node.yaml');
    const findings: Finding[] = [];
    pool.diagnostics = protocolDiagnostics(
      { balancerFacts: facts, endpoints: { mqtt: closer.target, frontends: frontendsAt(closer.target, 38) } },
      false,
      (f) => findings.push(f),
      () => 'this test',
    );
    const { err } = await connectError(pool, closer.target);
    pool.diagnostics = undefined;
    expect((err as ProtocolMismatchError).explanation).toMatchObject({ line: 23, file: facts.file });
    expect(findings[0]!.title).toMatch(/sends a PROXY protocol v2 header \(line 23\) to nodes whose MQTT listener/);
  });

  test('a silent close with a production config (nothing to blame) gives no finding, only the error', async () => {
    const facts = await factsOf('profiles/haproxy-roundrobin.yaml');
    const findings: Finding[] = [];
    pool.diagnostics = protocolDiagnostics(
      { balancerFacts: facts, endpoints: { mqtt: closer.target, frontends: frontendsAt(closer.target, 38) } },
      false,
      (f) => findings.push(f),
      () => 'this test',
    );
    const { err } = await connectError(pool, closer.target);
    pool.diagnostics = undefined;
    expect(err).toMatchObject({ seen: 'nothing', explanation: undefined });
    expect(findings).toEqual([]);
  });
});
