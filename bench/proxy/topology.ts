/**
 * The bench topology on its own loopback block (127.0.240.0/24): redis .1, one stand-in node .2,
 * HAProxy .3 and TS-proxy .4. Both balancers have the same shape: a plain and a TLS frontend (same
 * certificate and key), pure L4 (HAProxy `mode tcp`, TS-proxy `inspect: none`), one backend with the one
 * node, no health checks, no per-connection logging, timeouts connect 5s / idle 300s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisCommand, redisFabricArgs } from '../../harness/local/redis.js';
import { canConnect, freePort } from '../../harness/net/ports.js';
import { generatePki, type KeyType, type Pki } from '../../harness/pki/pki.js';
import { builtFile } from '../../harness/util/project-root.js';
import { waitFor } from '../../harness/util/wait.js';
import { killProcess, startNode, startProcess, type Proc } from './processes.js';
import type { Endpoint } from './clients.js';

export const BLOCK = '127.0.240';
const IP = { redis: `${BLOCK}.1`, node: `${BLOCK}.2`, haproxy: `${BLOCK}.3`, tsProxy: `${BLOCK}.4` };

export type TargetName = 'haproxy' | 'ts-proxy' | 'direct';

export interface Target {
  name: TargetName;
  plain: Endpoint;
  tls: Endpoint;
  /** The balancer process (null for direct). */
  pid: number | null;
}

export interface Topology {
  targets: Target[];
  brokerPid: number;
  pki: Pki;
  haproxyThreads: number;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  keyType: KeyType;
  haproxyThreads: number;
  /** TCP_NODELAY on the stand-in's accepted sockets (its default, like EMQX); false passes --nagle. */
  brokerNoDelay: boolean;
  /** Extra node arguments for TS-proxy (e.g. --cpu-prof for profiling). */
  tsProxyNodeArgs: string[];
  log: (line: string) => void;
}

function haproxyConfig(plain: Endpoint, tls: Endpoint, server: Endpoint, pki: Pki, threads: number): string {
  return [
    'global',
    `  nbthread ${threads}`,
    '  maxconn 5000',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 300s',
    '  timeout server 300s',
    'frontend plain',
    `  bind ${plain.host}:${plain.port}`,
    '  default_backend node',
    'frontend tls',
    `  bind ${tls.host}:${tls.port} ssl crt ${pki.server.combined}`,
    '  default_backend node',
    'backend node',
    `  server n1 ${server.host}:${server.port}`,
    '',
  ].join('\n');
}

function tsProxyConfig(server: Endpoint, pki: Pki): string {
  return `global: { maxconn: 5000, log_level: warn }
admin: null
frontends:
  - name: plain
    bind: "${IP.tsProxy}:0"
    backend: node
    inspect: none
    timeouts: { handshake: 5s, idle: 300s }
  - name: tls
    bind: "${IP.tsProxy}:0"
    backend: node
    inspect: none
    timeouts: { handshake: 5s, idle: 300s }
    tls: { cert: "${pki.server.cert}", key: "${pki.server.key}" }
backends:
  - name: node
    balance: roundrobin
    timeouts: { connect: 5s }
    health: { type: none }
    servers:
      - { name: n1, address: "${server.host}:${server.port}" }
`;
}

function listeningAddresses(stdout: string): Map<string, Endpoint> {
  const found = new Map<string, Endpoint>();
  for (const line of stdout.split('\n')) {
    if (!line.includes('"listening"')) continue;
    const e = JSON.parse(line) as { frontend: string; address: string };
    const i = e.address.lastIndexOf(':');
    found.set(e.frontend, { host: e.address.slice(0, i), port: Number(e.address.slice(i + 1)) });
  }
  return found;
}

function tcpAccepts(ep: Endpoint): Promise<boolean> {
  return canConnect(ep.host, ep.port, 500);
}

/** Starts everything; on failure stops what was started and rethrows. */
export async function startTopology(o: TopologyOptions): Promise<Topology> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-proxy-'));
  const procs: Proc[] = [];
  const stop = async (): Promise<void> => {
    // SIGTERM (TS-proxy writes a --cpu-prof profile on a clean exit), SIGKILL after 5 s; all at once.
    await Promise.all(procs.map((p) => killProcess(p, 'SIGTERM').catch(() => killProcess(p, 'SIGKILL'))));
    rmSync(dir, { recursive: true, force: true });
  };
  /** waitFor(probe), failing at once when the process exits. */
  const ready = <T>(
    p: Proc,
    what: string,
    probe: () => Promise<T | undefined | false> | T | undefined | false,
  ): Promise<T> => {
    const exited = p.exited.then((code) => {
      throw new Error(`${what} exited (${code}): ${p.stderr().slice(-2000)}`);
    });
    return Promise.race([waitFor(probe, { timeoutMs: 10_000, what }), exited]);
  };
  try {
    o.log(`generating the PKI (${o.keyType}) …`);
    const pki = await generatePki(join(dir, 'pki'), {
      serverNames: ['bench.local'],
      ipAddresses: [IP.node, IP.haproxy, IP.tsProxy],
      keyType: o.keyType,
    });

    const redisPort = await freePort(IP.redis);
    const redis = startProcess('redis-server', redisFabricArgs(IP.redis, redisPort));
    procs.push(redis);
    await ready(
      redis,
      'redis-server',
      async () => (await redisCommand(IP.redis, redisPort, 'PING').catch(() => '')) === '+PONG', // not up yet
    );

    o.log(`starting the stand-in node (TCP_NODELAY ${o.brokerNoDelay ? 'on, like EMQX' : 'off: Nagle'}) …`);
    const node = await startNode(
      [
        '--name',
        'bench1',
        '--bind',
        IP.node,
        '--mqtt-port',
        '0',
        '--http-port',
        '0',
        '--redis',
        `${IP.redis}:${redisPort}`,
        '--tls-port',
        String(await freePort(IP.node)),
        '--tls-cert',
        pki.server.cert,
        '--tls-key',
        pki.server.key,
        ...(o.brokerNoDelay ? [] : ['--nagle']),
      ],
      {
        STANDIN_EXIT_WITH_PARENT: '1',
      },
    );
    procs.push(node);
    const direct: Target = {
      name: 'direct',
      plain: node.mqtt,
      tls: nodeTlsEndpoint(node.ready['tls'], node.mqtt.host),
      pid: null,
    };

    o.log(`starting HAProxy (nbthread ${o.haproxyThreads}) …`);
    const hPlain = { host: IP.haproxy, port: await freePort(IP.haproxy) };
    const hTls = { host: IP.haproxy, port: await freePort(IP.haproxy) };
    const hCfg = join(dir, 'haproxy.cfg');
    writeFileSync(hCfg, haproxyConfig(hPlain, hTls, node.mqtt, pki, o.haproxyThreads));
    const haproxy = startProcess('/usr/sbin/haproxy', ['-db', '-f', hCfg]);
    procs.push(haproxy);
    await ready(haproxy, 'haproxy', async () => (await tcpAccepts(hPlain)) && (await tcpAccepts(hTls)));

    o.log('starting TS-proxy …');
    const tCfg = join(dir, 'ts-proxy.yaml');
    writeFileSync(tCfg, tsProxyConfig(node.mqtt, pki));
    const tsProxy = startProcess(process.execPath, [
      ...o.tsProxyNodeArgs,
      builtFile('proxy/main.js'),
      '--config',
      tCfg,
    ]);
    procs.push(tsProxy);
    const binds = await ready(tsProxy, 'ts-proxy', () => {
      const found = listeningAddresses(tsProxy.stdout());
      return found.has('plain') && found.has('tls') ? found : undefined;
    });

    return {
      targets: [
        { name: 'haproxy', plain: hPlain, tls: hTls, pid: haproxy.proc.pid! },
        { name: 'ts-proxy', plain: binds.get('plain')!, tls: binds.get('tls')!, pid: tsProxy.proc.pid! },
        direct,
      ],
      brokerPid: node.proc.pid!,
      pki,
      haproxyThreads: o.haproxyThreads,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function nodeTlsEndpoint(raw: string | undefined, host: string): Endpoint {
  if (!raw) throw new Error('the stand-in node did not report its TLS listener');
  return { host, port: Number(raw.slice(raw.lastIndexOf(':') + 1)) };
}
