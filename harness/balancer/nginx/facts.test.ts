import { describe, expect, test } from '@jest/globals';
import { fixture } from '../../../test/helpers/files.js';
import { mapNginxConfig, type NginxMapOptions } from './map-config.js';
import { algorithmOf, nginxFacts, type NginxFacts } from './facts.js';

function opts(): NginxMapOptions {
  let port = 30000;
  return {
    nodeNames: ['node1', 'node2', 'node3'],
    explicit: [],
    resolve: (node, p) => ({ host: `127.0.9.${node.slice(4)}`, port: p }),
    placeBind: async () => ({ host: '127.0.9.10', port: port++ }),
    runDir: '/run/mlb-test',
  };
}

async function factsOfText(text: string, file = '/x/nginx.conf'): Promise<NginxFacts> {
  return nginxFacts(await mapNginxConfig(text, file, opts()), 2);
}

async function factsOf(rel: string): Promise<NginxFacts> {
  const { text, file } = fixture(`real-world/nginx/${rel}`);
  return factsOfText(text, file);
}

const stream = (upstream: string, server = ''): string =>
  `events {}\nstream {\n  upstream u {\n${upstream}\n  }\n  server {\n    listen 1883;\n    proxy_pass u;\n${server}\n  }\n}\n`;

describe('algorithm, in the words the fairness and failover judgements know', () => {
  test('NGINX methods map to HAProxy names, the NGINX line kept as source', async () => {
    expect(algorithmOf(['round-robin'])).toBe('roundrobin');
    expect(algorithmOf(['least_conn'])).toBe('leastconn');
    expect(algorithmOf(['ip_hash'])).toBe('source');
    expect(algorithmOf(['hash', '$binary_remote_addr'])).toBe('source');
    expect(algorithmOf(['hash', '$remote_addr', 'consistent'])).toBe('source consistent');
    expect(algorithmOf(['hash', '$request_uri'])).toBe('hash $request_uri');
    expect(algorithmOf(['random', 'two', 'least_conn'])).toBe('random two least_conn');
    const hardened = await factsOf('good/02-hardened-least-conn.conf');
    expect(hardened.mqttBackend.algorithm).toEqual({ value: 'leastconn', line: 24, source: 'least_conn;' });
    const nat = await factsOf('broken/03-hash-remote-addr-nat.conf');
    expect(nat.mqttBackend.algorithm).toMatchObject({ value: 'source consistent', line: 13 });
    const guide = await factsOf('good/01-emqx-guide-stream.conf');
    expect(guide.mqttBackend.algorithm).toEqual({ value: 'roundrobin' });
    const random = await factsOfText(stream('    random two least_conn;\n    server a:1883;'));
    expect(random.mqttBackend.algorithm.value).toBe('random two least_conn');
  });

  test('weights, backup and down servers', async () => {
    const tls = await factsOf('good/03-stream-tls-offload.conf');
    expect(tls.mqttBackend.servers.map((s) => s.weight.value)).toEqual([2, 1, 1]);
    expect(tls.mqttBackend.servers[0]!.weight.line).toBe(13);
    const f = await factsOfText(
      stream('    server a:1883 weight=3;\n    server b:1883 down;\n    server c:1883 backup;'),
    );
    expect(f.mqttBackend.servers.map((s) => [s.node, s.weight.value, !!s.backup])).toEqual([
      ['node1', 3, false],
      ['node2', 0, false],
      ['node3', 1, true],
    ]);
    expect(f.nginx.upstreams[0]!.servers[1]!.down).toMatchObject({ value: true, line: 5 });
  });
});

describe('passive failure detection (open-source NGINX has no active health check)', () => {
  test('no max_fails: the defaults 1 / 10s, stated with the upstream line', async () => {
    const f = await factsOf('broken/01-no-max-fails.conf');
    const s = f.mqttBackend.servers[0]!;
    expect(s.check.kind).toMatchObject({ value: 'passive', line: 18 });
    expect(s.check.fall).toEqual({ value: 1 });
    expect(s.check.interMs).toEqual({ value: 10_000 });
    expect(s.check.timeoutMs).toEqual({ value: 60_000, source: 'proxy_connect_timeout' });
    const words = f.nginx.statements.map((x) => x.text).join('\n');
    expect(words).toMatch(/upstream mqtt_servers \(line 17\): open-source NGINX has no active health check/);
    expect(words).toMatch(/max_fails=1 fail_timeout=10s \(defaults\)/);
    expect(words).toMatch(/a hung node that still accepts TCP connections is never skipped/);
    expect(words).toMatch(/proxy_connect_timeout 60s \(default\)/);
  });
  test('hardened: max_fails / fail_timeout / proxy_connect_timeout with their lines', async () => {
    const f = await factsOf('good/02-hardened-least-conn.conf');
    const s = f.mqttBackend.servers[2]!;
    expect(s.check.fall).toMatchObject({ value: 3, line: 28 });
    expect(s.check.interMs).toMatchObject({ value: 10_000, line: 28 });
    expect(s.check.timeoutMs).toMatchObject({ value: 2000, line: 34 });
    expect(f.nginx.upstreams[0]!.zone).toMatchObject({ value: 'emqx_mqtt', line: 25 });
    expect(f.nginx.statements.map((x) => x.text).join('\n')).not.toMatch(/has no `zone`/);
  });
  test('max_fails=0 is stated as never skipping a dead server', async () => {
    const f = await factsOfText(stream('    server a:1883 max_fails=0;'));
    expect(f.nginx.statements.map((x) => x.text).join('\n')).toMatch(/max_fails=0: failures are not counted/);
  });
});

describe('idle timeouts (keepalive judgement)', () => {
  test('stream proxy_timeout: default 10m, or as written', async () => {
    expect((await factsOf('good/01-emqx-guide-stream.conf')).mqttBackend.timeouts.effectiveIdleMs).toEqual({
      value: 600_000,
      source: 'proxy_timeout',
    });
    expect((await factsOf('broken/02-proxy-timeout-30s.conf')).mqttBackend.timeouts.effectiveIdleMs).toEqual({
      value: 30_000,
      line: 21,
      source: 'proxy_timeout 30s;',
    });
    const inherited = await factsOfText(
      stream('    server a:1883;').replace('stream {', 'stream {\n  proxy_timeout 90s;'),
    );
    expect(inherited.mqttBackend.timeouts.effectiveIdleMs).toMatchObject({ value: 90_000, line: 3 });
  });
  test('http WebSocket: proxy_read_timeout, default 60s', async () => {
    const good = await factsOf('good/05-websocket-location.conf');
    const ws = good.backends.find((b) => b.name === 'emqx_ws')!;
    expect(ws.timeouts.effectiveIdleMs).toMatchObject({ value: 300_000, line: 64 });
    const broken = await factsOf('broken/05-ws-read-timeout-default.conf');
    const bws = broken.backends.find((b) => b.name === 'emqxws')!;
    expect(bws.timeouts.effectiveIdleMs).toEqual({ value: 60_000, source: 'proxy_read_timeout' });
    expect(broken.nginx.statements.map((x) => x.text).join('\n')).toMatch(
      /location \/mqtt \(line 34\): proxy_read_timeout 60s \(default\) closes an upgraded WebSocket connection/,
    );
  });
});

describe('WebSocket readiness of a location', () => {
  test('HTTP/1.1 with Upgrade and a $http_upgrade map for Connection: ready', async () => {
    const f = await factsOf('good/05-websocket-location.conf');
    const p = f.nginx.proxies.find((x) => x.websocket)!;
    expect(p.location).toEqual({ path: '/mqtt', line: 56 });
    expect(p.websocket).toMatchObject({ ready: true, problems: [], httpVersion: { value: '1.1', line: 58 } });
    expect(f.nginx.proxies.find((x) => x.location?.path === '/')?.websocket).toBeUndefined();
  });
  test('no Upgrade headers: each problem names the location line', async () => {
    const f = await factsOf('broken/04-websocket-no-upgrade.conf');
    const ws = f.nginx.proxies.find((x) => x.websocket)!.websocket!;
    expect(ws.ready).toBe(false);
    expect(ws.httpVersion).toEqual({ value: '1.0' });
    expect(ws.problems).toEqual([
      expect.stringMatching(
        /^location \/mqtt \(line 35\) talks HTTP\/1\.0 .*\(default\): add `proxy_http_version 1\.1;`/,
      ),
      expect.stringMatching(/does not pass the client's Upgrade header/),
      expect.stringMatching(/does not send `Connection: upgrade`/),
    ]);
  });
  test('proxy_set_header in a location hides the server-level Upgrade headers (nginx does not merge levels)', async () => {
    const text = `events {}\nstream { upstream t { server a:1883; } server { listen 1883; proxy_pass t; } }\nhttp {\n  upstream w { server a:8083; }\n  server {\n    listen 8083;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection upgrade;\n    location /mqtt {\n      proxy_set_header Host $host;\n      proxy_pass http://w;\n    }\n  }\n}\n`;
    const f = await factsOfText(text);
    const ws = f.nginx.proxies.find((x) => x.websocket)!.websocket!;
    expect(ws.httpVersion).toMatchObject({ value: '1.1', line: 7 });
    expect(ws.upgrade).toBeUndefined();
    expect(ws.ready).toBe(false);
  });
});

describe('PROXY protocol, pass-through and limits', () => {
  test('proxy_protocol on → send-proxy v1 on each server; ssl_preread stated', async () => {
    const f = await factsOfText(stream('    server a:1883;', '    proxy_protocol on;'));
    expect(f.mqttBackend.servers[0]!.sendProxy).toMatchObject({ value: 'v1', line: 9 });
    const pre = await factsOf('good/04-ssl-preread-passthrough.conf');
    const tls = pre.nginx.proxies.find((p) => p.backends.includes('brokers_tls'))!;
    expect(tls.sslPreread).toMatchObject({ value: true, line: 32 });
    expect(pre.mqttBackend.name).toBe('brokers_plain');
  });
  test('worker_connections and limit_conn become connection limits', async () => {
    const f = await factsOf('good/01-emqx-guide-stream.conf');
    expect(f.mqttBackend.limits?.globalMaxconn).toMatchObject({ value: 5120, line: 12 });
    const text = stream('    server a:1883;', '    limit_conn per_ip 10;').replace(
      'stream {',
      'stream {\n  limit_conn_zone $binary_remote_addr zone=per_ip:10m;',
    );
    expect((await factsOfText(text)).mqttBackend.limits?.frontendMaxconn).toMatchObject({ value: 10, line: 10 });
  });
  test('frontends: mode and listens per server', async () => {
    const f = await factsOf('good/03-stream-tls-offload.conf');
    expect(f.frontends?.map((x) => [x.name, x.mode.value, x.binds.map((b) => [b.line, b.ssl])])).toEqual([
      ['stream:1883', 'tcp', [[19, false]]],
      ['stream:8883', 'tcp', [[26, true]]],
    ]);
  });
});
