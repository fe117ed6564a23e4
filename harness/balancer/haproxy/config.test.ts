import { describe, expect, test } from '@jest/globals';
import { mapHaproxyConfig } from './map-config.js';
import { parseHaproxyCfg, tokenize, splitHostPort } from './parse.js';
import { haproxyFacts, parseHaproxyTime } from './facts.js';
import { parseMapEntries } from '../address-map.js';
import { ConfigError } from '../../errors.js';
import { fixture } from '../../../test/helpers/files.js';
import { mapOptions as opts } from '../../../test/helpers/haproxy.js';

describe('haproxy.cfg reading', () => {
  test('tokenizes quotes, escapes and comments like HAProxy', () => {
    expect(tokenize(`  http-check expect string "is running" # comment`)).toEqual([
      'http-check',
      'expect',
      'string',
      'is running',
    ]);
    expect(tokenize(`bind a\\ b:1`)).toEqual(['bind', 'a b:1']);
  });
  test('splits host:port forms', () => {
    expect(splitHostPort('emqx-1.invalid:1883')).toMatchObject({ host: 'emqx-1.invalid', port: 1883 });
    expect(splitHostPort('*:1883')).toMatchObject({ host: '*', port: 1883 });
    expect(splitHostPort('ipv4@10.0.0.1:80')).toMatchObject({ prefix: 'ipv4@', host: '10.0.0.1', port: 80 });
    expect(splitHostPort('[::1]:8883')).toMatchObject({ host: '::1', port: 8883 });
    expect(splitHostPort('host-without-port')).toMatchObject({ port: undefined });
  });
  test('parses HAProxy times', () => {
    expect(parseHaproxyTime('300s')).toBe(300_000);
    expect(parseHaproxyTime('5m')).toBe(300_000);
    expect(parseHaproxyTime('2000')).toBe(2000);
    expect(parseHaproxyTime('100ms')).toBe(100);
    expect(parseHaproxyTime('soon')).toBeUndefined();
  });
});

describe('address mapping', () => {
  test("the guide's config: i-th server → node i, binds moved, line numbers kept, runtime API appended", async () => {
    const { text, file } = fixture('haproxy/guide/emqx-roundrobin.cfg');
    const m = await mapHaproxyConfig(text, file, opts());
    expect(m.mapping.map((e) => `${e.backend}/${e.server}→${e.node}@${e.mapped}`)).toEqual([
      'emqx_tcp_back/emqx_node_1→node1@127.0.9.1:1883',
      'emqx_tcp_back/emqx_node_2→node2@127.0.9.2:1883',
      'emqx_tcp_back/emqx_node_3→node3@127.0.9.3:1883',
      'emqx_dashboard_back/emqx_node_1→node1@127.0.9.1:18083',
      'emqx_dashboard_back/emqx_node_2→node2@127.0.9.2:18083',
      'emqx_dashboard_back/emqx_node_3→node3@127.0.9.3:18083',
    ]);
    const outLines = m.text.split('\n');
    for (const e of m.mapping) expect(outLines[e.line - 1]).toContain(e.mapped);
    for (const e of m.mapping) expect(text.split('\n')[e.line - 1]).toContain(e.original);
    expect(m.binds.map((b) => `${b.frontend} ${b.original}→${b.host}:${b.port}`)).toEqual([
      'emqx_tcp *:1883→127.0.9.10:30000',
      'emqx_dashboard *:18083→127.0.9.10:30001',
    ]);
    expect(
      m.text
        .split('\n')
        .filter((l) => !l.trim().startsWith('#'))
        .join('\n'),
    ).not.toMatch(/\.invalid/);
    expect(m.text).toMatch(/stats socket \/tmp\/x\.sock mode 600 level admin/);
  });

  test('explicit --map wins over position', async () => {
    const { text, file } = fixture('haproxy/guide/emqx-roundrobin.cfg');
    const m = await mapHaproxyConfig(
      text,
      file,
      opts({ explicit: parseMapEntries(['emqx-node-1.invalid:1883=node3']) }),
    );
    expect(m.mapping[0]).toMatchObject({ server: 'emqx_node_1', node: 'node3', mapped: '127.0.9.3:1883' });
  });

  test('an upstream that maps to no node is refused, naming file and line', async () => {
    const { text, file } = fixture('broken/unmapped-server.cfg');
    const err = await mapHaproxyConfig(text, file, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(8);
    expect((err as ConfigError).format()).toMatch(
      /unmapped-server\.cfg:8: server 'emqx_node_4'.*maps to no harness node[\s\S]*fix: map it explicitly/,
    );
  });

  test('a server without a port, a socket upstream, server-template and remote peers are refused', async () => {
    const cases = [
      'backend b\n  server s1 db.internal\nfrontend f\n  bind :1883\n  default_backend b\n',
      'backend b\n  server s1 /var/run/x.sock\nfrontend f\n  bind :1883\n',
      // server-template and peers are mapped since issue 12; refused: more generated servers than nodes, mailers
      'backend b\n  server-template s 4 mqtt.example:1883\nfrontend f\n  bind :1883\n  default_backend b\n',
      'mailers m\n  mailer smtp1 10.1.2.3:25\nbackend b\n  server s1 x:1883\nfrontend f\n  bind :1883\n',
    ];
    for (const c of cases) await expect(mapHaproxyConfig(c, 'x.cfg', opts())).rejects.toBeInstanceOf(ConfigError);
  });

  test('remote log targets and nameservers stay on the machine; process lines are neutralised', async () => {
    const cfg =
      'global\n  daemon\n  chroot /var/lib/haproxy\n  log 10.0.0.5:514 local0\n  stats socket /run/haproxy/admin.sock\nresolvers dns\n  nameserver ns1 8.8.8.8:53\nbackend b\n  server s1 x:1883 check addr 10.9.9.9 port 18083\nfrontend f\n  bind 10.0.0.1:1883\n  default_backend b\n';
    const m = await mapHaproxyConfig(cfg, 'x.cfg', opts());
    expect(m.text).not.toMatch(/10\.0\.0\.5|8\.8\.8\.8|10\.9\.9\.9|10\.0\.0\.1/);
    expect(m.text.split('\n')[1]).toMatch(/^\s*# daemon/);
    expect(m.text).toMatch(/server s1 127\.0\.9\.1:1883 check addr 127\.0\.9\.1 port 18083/);
    expect(m.rewrites.map((r) => r.line)).toEqual([2, 3, 4, 5, 7, 9, 11]);
  });
});

describe('balancer facts', () => {
  test("guide config: plain TCP checks with HAProxy's defaults, no timeouts", async () => {
    const { text, file } = fixture('haproxy/guide/emqx-roundrobin.cfg');
    const m = await mapHaproxyConfig(text, file, opts());
    const f = haproxyFacts(parseHaproxyCfg(text, file), m.mapping);
    expect(f.mqttBackend.name).toBe('emqx_tcp_back');
    expect(f.mqttBackend.algorithm).toMatchObject({ value: 'roundrobin', line: 5 });
    const check = f.mqttBackend.servers[0]!.check;
    expect(check.kind.value).toBe('tcp');
    expect([check.interMs.value, check.fall.value, check.rise.value, check.shutdownSessionsOnDown.value]).toEqual([
      2000,
      3,
      2,
      false,
    ]);
    expect(f.mqttBackend.timeouts.effectiveIdleMs).toBeUndefined();
  });

  test('production config: HTTP check on /status with body match, shutdown-sessions, 300 s timeouts from defaults', async () => {
    const { text, file } = fixture('haproxy/production/emqx-leastconn.cfg');
    const m = await mapHaproxyConfig(text, file, opts());
    const f = haproxyFacts(parseHaproxyCfg(text, file), m.mapping);
    expect(f.mqttBackend.algorithm.value).toBe('leastconn');
    const check = f.mqttBackend.servers[2]!.check;
    expect(check.kind.value).toBe('http');
    expect(check.http).toMatchObject({ path: '/status', port: 18083, expect: 'string is running' });
    expect([check.interMs.value, check.fall.value, check.rise.value, check.shutdownSessionsOnDown.value]).toEqual([
      1000,
      2,
      2,
      true,
    ]);
    expect(check.interMs.source).toMatch(/^default-server/);
    expect(f.mqttBackend.timeouts.effectiveIdleMs?.value).toBe(300_000);
    expect(f.mqttBackend.servers.map((s) => s.node)).toEqual(['node1', 'node2', 'node3']);
  });

  test('timeout tunnel supersedes client/server; weights and MQTT tcp-check are read', async () => {
    const cfg = [
      'defaults',
      '  mode tcp',
      '  timeout client 30s',
      '  timeout server 60s',
      'backend b',
      '  balance roundrobin',
      '  timeout tunnel 1h',
      '  option tcp-check',
      '  tcp-check send-binary 100c00044d5154540402003c0000',
      '  tcp-check expect binary 20020000',
      '  server s1 a:1883 check weight 1',
      '  server s2 b:1883 check weight 2',
      '  server s3 c:1883 check weight 3',
      'frontend f',
      '  bind :1883',
      '  default_backend b',
    ].join('\n');
    const m = await mapHaproxyConfig(cfg, 'x.cfg', opts());
    const f = haproxyFacts(parseHaproxyCfg(cfg, 'x.cfg'), m.mapping);
    expect(f.mqttBackend.servers.map((s) => s.weight.value)).toEqual([1, 2, 3]);
    expect(f.mqttBackend.servers[0]!.check.kind.value).toBe('mqtt');
    expect(f.mqttBackend.timeouts).toMatchObject({
      clientMs: { value: 30_000, line: 3 },
      tunnelMs: { value: 3_600_000, line: 7 },
      effectiveIdleMs: { value: 3_600_000 },
    });
  });
});
