/**
 * The docker runtime's container definitions, checked without an engine: EMQX nodes against the names documented in
 * /work/shared/docs/emqx.md (node names, aliases, cluster env, API auth, PROXY listener, waits), the stand-in's
 * command against the stand-in's own argument parser, the parity of both kinds (the cluster code sees the same
 * shape). The image choice order is in image-choice.test.ts.
 */
import { describe, expect, test } from '@jest/globals';
import { defineEmqxCluster, emqxKind, EMQX_API_KEY_FILE, EMQX_DEFAULT_IMAGE } from './brokers/emqx.js';
import { standinKind, REDIS_COMMAND } from './brokers/standin.js';
import type { ClusterDefInput, NodeContainerDef } from './brokers/types.js';
import { waitStrategyOf } from './waits.js';
import { NODE_BASE_DEFAULT } from './image-choice.js';
import { IMAGES } from './images.js';
import { parseNodeArgs } from '../../standin/args.js';
import { EMQX_CAPABILITIES, STANDIN_CAPABILITIES } from '../brokers/capabilities.js';

const base: ClusterDefInput = {
  runId: 'r1',
  nodes: 3,
  image: EMQX_DEFAULT_IMAGE,
  trustProxy: false,
  heartbeatMs: 2000,
};
const secrets = { apiSecret: '0123456789abcdef', cookie: 'mqttlb-cookie' };

/** EMQX env → config path (emqx.md §2: drop EMQX_, lowercase, `__` → `.`). */
const configPath = (env: string): string =>
  env
    .replace(/^EMQX_/, '')
    .toLowerCase()
    .replaceAll('__', '.');

/** Config paths the definitions may set, each documented in emqx.md (§2 cluster, §4 API, §5 PROXY) or the EMQX schema. */
const DOCUMENTED = new Set([
  'node.name',
  'node.cookie',
  'cluster.discovery_strategy',
  'cluster.static.seeds',
  'api_key.bootstrap_file',
  'dashboard.default_username',
  'dashboard.default_password',
  'listeners.tcp.default.proxy_protocol',
  'listeners.tcp.direct.enable',
  'listeners.tcp.direct.bind',
  'listeners.tcp.direct.proxy_protocol',
  'listeners.ssl.default.bind',
  'listeners.ssl.default.ssl_options.certfile',
  'listeners.ssl.default.ssl_options.keyfile',
  'listeners.ssl.default.ssl_options.cacertfile',
]);

describe('EMQX container definitions (emqx.md)', () => {
  const def = defineEmqxCluster(base, secrets);

  test('three nodes named emqx@nodeN.emqx.io on dotted aliases, default image emqx/emqx:5.8.9', () => {
    expect(def.nodes.map((n) => [n.name, n.brokerNode, n.alias, n.hostname, n.image])).toEqual([
      ['node1', 'emqx@node1.emqx.io', 'node1.emqx.io', 'node1.emqx.io', 'emqx/emqx:5.8.9'],
      ['node2', 'emqx@node2.emqx.io', 'node2.emqx.io', 'node2.emqx.io', 'emqx/emqx:5.8.9'],
      ['node3', 'emqx@node3.emqx.io', 'node3.emqx.io', 'node3.emqx.io', 'emqx/emqx:5.8.9'],
    ]);
    expect(def.services).toEqual([]);
  });

  test('static discovery with every node as a seed, one cookie, own node name per node', () => {
    for (const [i, n] of def.nodes.entries()) {
      expect(n.env).toMatchObject({
        EMQX_NODE__NAME: `emqx@node${i + 1}.emqx.io`,
        EMQX_CLUSTER__DISCOVERY_STRATEGY: 'static',
        EMQX_CLUSTER__STATIC__SEEDS: '[emqx@node1.emqx.io,emqx@node2.emqx.io,emqx@node3.emqx.io]',
        EMQX_NODE__COOKIE: 'mqttlb-cookie',
      });
      // EMQX_NODE_NAME (single underscore) would override the documented variable: never set it
      expect(n.env).not.toHaveProperty('EMQX_NODE_NAME');
    }
  });

  test('every variable maps to a documented config path; values with ":" or "/" carry inner quotes', () => {
    const all = defineEmqxCluster(
      { ...base, trustProxy: true, tls: { cert: '/x/c.pem', key: '/x/k.pem', ca: '/x/ca.pem' } },
      secrets,
    );
    for (const n of all.nodes) {
      for (const [k, v] of Object.entries(n.env)) {
        expect(k).toMatch(/^EMQX_[A-Z0-9_]+$/);
        expect(DOCUMENTED.has(configPath(k)) ? configPath(k) : `undocumented: ${k}`).toBe(configPath(k));
        if (/[:/]/.test(v) && !v.startsWith('[')) expect(v).toMatch(/^".*"$/);
      }
    }
  });

  test('API access: bootstrap API key file readable by uid 1000 (default), or dashboard login', () => {
    expect(def.nodes[0]!.env.EMQX_API_KEY__BOOTSTRAP_FILE).toBe(JSON.stringify(EMQX_API_KEY_FILE));
    const keyFile = def.nodes[0]!.files.find((f) => f.target === EMQX_API_KEY_FILE)!;
    expect(keyFile).toMatchObject({ content: 'mqttlb:0123456789abcdef:administrator\n' });
    expect(keyFile.mode & 0o004).toBe(0o004);
    expect(def.apiAuth).toEqual({ kind: 'api-key', key: 'mqttlb', secret: '0123456789abcdef' });
    const login = defineEmqxCluster({ ...base, apiAuth: 'login' }, secrets);
    expect(login.apiAuth).toEqual({ kind: 'login', username: 'admin', password: 'public' });
    expect(login.nodes[0]!.env).toMatchObject({
      EMQX_DASHBOARD__DEFAULT_USERNAME: 'admin',
      EMQX_DASHBOARD__DEFAULT_PASSWORD: 'public',
    });
  });

  test('fresh secrets per run', () => {
    const a = emqxKind.define(base);
    const b = emqxKind.define(base);
    expect(a.apiAuth).not.toEqual(b.apiAuth);
    expect(a.nodes[0]!.env.EMQX_NODE__COOKIE).not.toBe(b.nodes[0]!.env.EMQX_NODE__COOKIE);
    expect(new Set(a.nodes.map((n) => n.env.EMQX_NODE__COOKIE)).size).toBe(1);
  });

  test('PROXY protocol: the default listener requires the header, the harness probes a plain direct listener', () => {
    expect(def.nodes[0]!.ports).toEqual({ mqtt: 1883, directMqtt: 1883, http: 18083, ws: 8083 });
    expect(def.nodes[0]!.env).not.toHaveProperty('EMQX_LISTENERS__TCP__DEFAULT__PROXY_PROTOCOL');
    const proxy = defineEmqxCluster({ ...base, trustProxy: true }, secrets).nodes[0]!;
    expect(proxy.env).toMatchObject({
      EMQX_LISTENERS__TCP__DEFAULT__PROXY_PROTOCOL: 'true',
      EMQX_LISTENERS__TCP__DIRECT__ENABLE: 'true',
      EMQX_LISTENERS__TCP__DIRECT__BIND: '"0.0.0.0:1884"',
      EMQX_LISTENERS__TCP__DIRECT__PROXY_PROTOCOL: 'false',
    });
    expect(proxy.ports).toEqual({ mqtt: 1883, directMqtt: 1884, http: 18083, ws: 8083 });
  });

  test('passthrough TLS: the ssl listener serves the run certificate, copied readable for uid 1000', () => {
    const n = defineEmqxCluster({ ...base, tls: { cert: '/run/pki/node.pem', key: '/run/pki/node.key' } }, secrets)
      .nodes[0]!;
    expect(n.ports.mqtts).toBe(8883);
    expect(n.env.EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__CERTFILE).toBe('"/opt/emqx/etc/certs/mqtt-lb/cert.pem"');
    expect(n.files.filter((f) => 'source' in f).map((f) => ['source' in f && f.source, f.mode])).toEqual([
      ['/run/pki/node.pem', 0o644],
      ['/run/pki/node.key', 0o644],
    ]);
  });

  test('waits: each node until GET /status on 18083 answers 200 (up to 120 s), then cluster formation (90 s)', () => {
    expect(def.nodes[0]!.wait).toEqual({ kind: 'http', path: '/status', port: 18083, status: 200, timeoutMs: 120_000 });
    expect(waitStrategyOf(def.nodes[0]!.wait).getStartupTimeout()).toBe(120_000);
    expect(def.formationTimeoutMs).toBe(90_000);
  });

  test('capabilities: MQTT 5 and shared subscriptions on; version from the node API', () => {
    expect(emqxKind.capabilities).toBe(EMQX_CAPABILITIES);
    expect(emqxKind.capabilities).toMatchObject({
      mqtt5: true,
      sharedSubscriptions: true,
      sessionsSurviveNodeLoss: false,
      willsOfDeadNode: false,
    });
    expect(
      emqxKind.version('emqx/emqx:5.8.9', [{ node: 'emqx@node1.emqx.io', node_status: 'running', version: '5.8.9' }]),
    ).toBe('EMQX 5.8.9 (emqx/emqx:5.8.9)');
  });
});

describe('stand-in container definitions', () => {
  const input: ClusterDefInput = { ...base, image: IMAGES.standin, heartbeatMs: 1500, serviceImage: IMAGES.redis };

  test("each node's command is accepted by the stand-in's own argument parser", () => {
    const def = standinKind.define({
      ...input,
      trustProxy: true,
      tls: { cert: '/h/c.pem', key: '/h/k.pem', ca: '/h/ca.pem' },
    });
    for (const [i, n] of def.nodes.entries()) {
      expect(parseNodeArgs(n.command!)).toEqual({
        name: `node${i + 1}`,
        bind: '0.0.0.0',
        mqttPort: 1883,
        httpPort: 18083,
        redis: { host: 'redis', port: 6379 },
        trustProxy: true,
        heartbeatMs: 1500,
        noDelay: true,
        tls: {
          port: 8883,
          certFile: '/etc/mqtt-lb/tls/cert.pem',
          keyFile: '/etc/mqtt-lb/tls/key.pem',
          caFile: '/etc/mqtt-lb/tls/ca.pem',
        },
        wsPort: 8083,
        wssPort: 8084,
      });
      expect(n.files.map((f) => f.target)).toEqual([
        '/etc/mqtt-lb/tls/cert.pem',
        '/etc/mqtt-lb/tls/key.pem',
        '/etc/mqtt-lb/tls/ca.pem',
      ]);
    }
  });

  test('nodes named node1..3 on plain aliases, Redis as a service, READY line as the wait', () => {
    const def = standinKind.define(input);
    expect(def.nodes.map((n) => [n.name, n.brokerNode, n.alias])).toEqual([
      ['node1', 'node1', 'node1'],
      ['node2', 'node2', 'node2'],
      ['node3', 'node3', 'node3'],
    ]);
    expect(def.services).toEqual([
      expect.objectContaining({ alias: 'redis', image: IMAGES.redis, command: REDIS_COMMAND }),
    ]);
    const wait = def.nodes[0]!.wait;
    expect(
      wait.kind === 'log' && wait.pattern.test('READY {"name":"node1","mqtt":"0.0.0.0:1883","http":"0.0.0.0:18083"}'),
    ).toBe(true);
    expect(def.apiAuth).toEqual({ kind: 'none' });
    expect(standinKind.capabilities).toBe(STANDIN_CAPABILITIES);
  });

  test('on a plain Node base image the staged program is copied to /app and run by entrypoint', () => {
    const n = standinKind.define({ ...input, image: NODE_BASE_DEFAULT, appDir: '/tmp/run/app/standin' }).nodes[0]!;
    expect(n.entrypoint).toEqual(['node', '/app/dist/standin/node.js']);
    expect(n.directories).toEqual([{ source: '/tmp/run/app/standin', target: '/app' }]);
    expect(standinKind.define(input).nodes[0]!.entrypoint).toBeUndefined();
  });
});

describe('one code path for both kinds', () => {
  const shape = (n: NodeContainerDef): string[] =>
    Object.keys(n)
      .filter(
        (k) => (n as unknown as Record<string, unknown>)[k] !== undefined && !['entrypoint', 'command'].includes(k),
      )
      .sort();
  // The stand-in takes its settings as arguments, EMQX as environment: everything else has the same shape.
  test('EMQX and stand-in nodes have the same fields, ports by the same roles and the same NodeInfo mapping', () => {
    const e = defineEmqxCluster(base, secrets).nodes[0]!;
    const s = standinKind.define({ ...base, image: IMAGES.standin, serviceImage: IMAGES.redis }).nodes[0]!;
    expect(shape(e)).toEqual(shape(s));
    expect(Object.keys(e.ports).sort()).toEqual(Object.keys(s.ports).sort());
    expect([e.ports.mqtt, e.ports.http]).toEqual([s.ports.mqtt, s.ports.http]);
  });
});
