import { describe, expect, test } from '@jest/globals';
import { stringify } from 'yaml';
import {
  ConfigError,
  parseProxyConfig,
  serializeProxyConfig,
  toPlainConfig,
  validateProxyConfig,
} from '../config/index.js';
import { parseDuration } from '../util/duration.js';
import { parseHostPort } from '../util/address.js';

const EXAMPLE = `global: { maxconn: 10000, log_level: info }
admin: { bind: "127.0.0.1:8404", token: null }
frontends:
  - name: mqtt
    bind: "127.0.0.1:1883"
    backend: mqtt_nodes
    tls: null
    timeouts: { handshake: 5s, idle: 300s }
    rate_limit: { per_source_per_s: 100 }
backends:
  - name: mqtt_nodes
    balance: clientid
    clientid: { inspect_timeout: 3s, fallback: leastconn, balance_factor: 1.25 }
    send_proxy: v2
    on_marked_down: shutdown-sessions
    maxconn_policy: queue
    health: { type: mqtt, inter: 1s, fall: 2, rise: 2, timeout: 1s, port: null, path: /status }
    servers:
      - { name: emqx1, address: "emqx-node-1.invalid:1883", weight: 1, maxconn: null }
      - name: emqx2
        address: "emqx-node-2.invalid:1883"
        weight: 2
`;

function issuesOf(text: string): string[] {
  const r = validateProxyConfig(text, 'lb.yaml');
  expect(r.config).toBeUndefined();
  return r.issues.map((i) => `${i.file}:${i.line}: ${i.key}: ${i.message}`);
}

describe('parseProxyConfig', () => {
  test('the documented example parses; durations become milliseconds; defaults filled in', () => {
    const cfg = parseProxyConfig(EXAMPLE, 'lb.yaml');
    expect(cfg.global).toEqual({ maxconn: 10000, maxconn_policy: 'refuse', queue_timeout: 5000, log_level: 'info' });
    expect(cfg.admin).toMatchObject({ bind: '127.0.0.1:8404', token: null });
    expect(cfg.frontends[0]).toMatchObject({
      name: 'mqtt',
      inspect: 'mqtt',
      timeouts: { handshake: 5000, idle: 300000 },
      rate_limit: { per_source_per_s: 100 },
    });
    const b = cfg.backends[0];
    expect(b).toMatchObject({
      balance: 'clientid',
      send_proxy: 'v2',
      retries: 2,
      timeouts: { connect: 5000, queue: 5000 },
    });
    expect(b.clientid).toEqual({ inspect_timeout: 3000, fallback: 'leastconn', balance_factor: 1.25 });
    expect(b.health).toMatchObject({
      type: 'mqtt',
      inter: 1000,
      fall: 2,
      rise: 2,
      timeout: 1000,
      port: null,
      path: '/status',
      send_proxy: true,
    });
    expect(b.servers[1]).toMatchObject({ name: 'emqx2', weight: 2, maxconn: null, state: 'ready' });
  });

  test('every server carries the 1-based line of its YAML node; frontends the line of their bind', () => {
    const cfg = parseProxyConfig(EXAMPLE, 'lb.yaml');
    expect(cfg.backends[0].servers.map((s) => s.line)).toEqual([19, 20]);
    expect(cfg.frontends[0].line).toBe(5);
    expect(cfg.admin?.line).toBe(2);
  });

  test('minimal config', () => {
    const cfg = parseProxyConfig(
      'frontends: [{name: f, bind: ":1883", backend: b}]\nbackends: [{name: b, servers: [{name: s, address: "10.0.0.1:1883"}]}]\n',
      'm.yaml',
    );
    expect(cfg.backends[0].balance).toBe('roundrobin');
    expect(cfg.backends[0].health.type).toBe('tcp');
    expect(cfg.frontends[0].tls).toBeNull();
    expect(cfg.backends[0].servers[0].line).toBe(2);
  });

  test('TLS: verify defaults to required with a client CA, none without', () => {
    const base = (tls: string) =>
      `frontends: [{name: f, bind: ":8883", backend: b, tls: ${tls}}]\nbackends: [{name: b, servers: [{name: s, address: "h:1"}]}]\n`;
    expect(parseProxyConfig(base('{cert: c.pem, key: k.pem}'), 'x').frontends[0].tls).toMatchObject({
      verify: 'none',
      min_version: 'TLSv1.2',
      sni: [],
    });
    expect(parseProxyConfig(base('{cert: c.pem, key: k.pem, client_ca: ca.pem}'), 'x').frontends[0].tls?.verify).toBe(
      'required',
    );
    expect(issuesOf(base('{cert: c.pem, key: k.pem, verify: optional}'))).toEqual([
      'lb.yaml:1: frontends[0].tls.verify: verify: optional needs tls.client_ca (the CA that signs client certificates)',
    ]);
  });

  test('throws ConfigError listing every problem', () => {
    expect(() => parseProxyConfig('frontends: []\nbackends: []\n', 'e.yaml')).toThrow(ConfigError);
    try {
      parseProxyConfig('frontends: []\nbackends: []\n', 'e.yaml');
    } catch (err) {
      expect((err as ConfigError).issues).toHaveLength(2);
      expect((err as Error).message).toBe(
        'e.yaml:1: frontends: at least one frontend is required\ne.yaml:2: backends: at least one backend is required',
      );
    }
  });
});

describe('validation errors name file, line and key', () => {
  test('unknown key (typo) at its own line', () => {
    const text = EXAMPLE.replace('    send_proxy: v2', '    send_proxi: v2');
    expect(issuesOf(text)).toEqual([expect.stringMatching(/^lb\.yaml:14: backends\[0\]\.send_proxi: unknown key/)]);
  });
  test('wrong types, bad enum, bad duration, bad address — all reported', () => {
    const text = EXAMPLE.replace('weight: 2', 'weight: heavy')
      .replace('balance: clientid', 'balance: fastest')
      .replace('idle: 300s', 'idle: forever')
      .replace('"emqx-node-1.invalid:1883"', '"emqx-node-1.invalid"');
    const issues = issuesOf(text);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^lb\.yaml:8: frontends\[0\]\.timeouts\.idle: "forever" is not a duration/),
        expect.stringMatching(/^lb\.yaml:12: backends\[0\]\.balance: /),
        expect.stringMatching(/^lb\.yaml:19: backends\[0\]\.servers\[0\]\.address: must be "host:port"/),
        expect.stringMatching(/^lb\.yaml:22: backends\[0\]\.servers\[1\]\.weight: /),
      ]),
    );
    expect(issues).toHaveLength(4);
  });
  test('references and duplicates', () => {
    const text = EXAMPLE.replace('backend: mqtt_nodes', 'backend: nodes').replace('name: emqx2', 'name: emqx1');
    expect(issuesOf(text)).toEqual([
      'lb.yaml:20: backends[0].servers[1].name: duplicate server name "emqx1" in backend "mqtt_nodes"',
      'lb.yaml:6: frontends[0].backend: no backend named "nodes" (known: mqtt_nodes)',
    ]);
  });
  test('two listeners on one address', () => {
    const text = EXAMPLE.replace('bind: "127.0.0.1:1883"', 'bind: "127.0.0.1:8404"');
    expect(issuesOf(text)).toEqual(['lb.yaml:5: frontends[0].bind: bind 127.0.0.1:8404 is already used by admin']);
  });
  test('YAML syntax errors carry their line', () => {
    expect(issuesOf('frontends:\n  - name: a\n   bad: [\n')[0]).toBe(
      'lb.yaml:3: yaml: Sequence item without - indicator',
    );
  });
  test('an empty file', () => {
    expect(issuesOf('')).toEqual([expect.stringMatching(/^lb\.yaml:1: \(root\): /)]);
  });
});

describe('serialization', () => {
  test('serializeProxyConfig round-trips (lines recomputed for the new text)', () => {
    const cfg = parseProxyConfig(EXAMPLE, 'lb.yaml');
    cfg.backends[0].servers[0].address = '127.0.1.1:1883';
    const again = parseProxyConfig(serializeProxyConfig(cfg), 'rewritten.yaml');
    expect(toPlainConfig(again)).toEqual(toPlainConfig(cfg));
    expect(again.backends[0].servers[0].address).toBe('127.0.1.1:1883');
    expect(typeof again.backends[0].servers[0].line).toBe('number');
  });
  test('a plain yaml.stringify of the parsed config (with line fields) is accepted too', () => {
    const cfg = parseProxyConfig(EXAMPLE, 'lb.yaml');
    expect(toPlainConfig(parseProxyConfig(stringify(cfg), 'x.yaml'))).toEqual(toPlainConfig(cfg));
  });
});

describe('value parsers', () => {
  test.each([
    ['500ms', 500],
    ['2s', 2000],
    ['1m', 60000],
    ['1.5s', 1500],
    ['1h', 3600000],
    [250, 250],
    ['100', 100],
  ] as const)('duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  test.each(['', 'soon', '-1s', '1d', '1 s s'])('not a duration: %s', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
  test('host:port', () => {
    expect(parseHostPort('127.0.0.1:1883')).toEqual({ host: '127.0.0.1', port: 1883 });
    expect(parseHostPort('[::1]:8883')).toEqual({ host: '::1', port: 8883 });
    expect(parseHostPort('*:1883')).toEqual({ host: '', port: 1883 });
    expect(parseHostPort(':1883')).toEqual({ host: '', port: 1883 });
    expect(parseHostPort('emqx-1.local:1883')).toEqual({ host: 'emqx-1.local', port: 1883 });
    expect(parseHostPort('host')).toBeUndefined();
    expect(parseHostPort('host:99999')).toBeUndefined();
    expect(parseHostPort('::1:1883')).toBeUndefined();
  });
});
