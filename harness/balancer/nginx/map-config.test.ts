import { describe, expect, test } from '@jest/globals';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { fixture, tmpFile } from '../../../test/helpers/files.js';
import { parseMapEntries } from '../address-map.js';
import type { BalancerTls } from '../../pki/run-tls.js';
import { mapNginxConfig, nginxAddressRewrites, type NginxMapOptions } from './map-config.js';

/** node<i> at 127.0.9.<i> on the written port; listens placed on 127.0.9.10 from port 30000 up, in file order. */
function opts(extra: Partial<NginxMapOptions> = {}): NginxMapOptions {
  let port = 30000;
  return {
    nodeNames: ['node1', 'node2', 'node3'],
    explicit: [],
    resolve: (node, p) => ({ host: `127.0.9.${node.slice(4)}`, port: p }),
    placeBind: async () => ({ host: '127.0.9.10', port: port++ }),
    runDir: '/run/mlb-test',
    ...extra,
  };
}

const TLS: BalancerTls = {
  mapCertificates: true,
  cert: '/run/mlb-test/tls/server.pem',
  key: '/run/mlb-test/tls/server.key',
  combined: '/run/mlb-test/tls/combined.pem',
  crtList: '/run/mlb-test/tls/crt-list',
  clientCa: '/run/mlb-test/tls/client-ca.pem',
  ca: '/run/mlb-test/tls/ca.pem',
};

async function refusal(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(err)}`);
  return err;
}

describe('mapping the EMQX guide shape', () => {
  test('i-th upstream server → node i, listens moved, process lines moved, line numbers kept', async () => {
    const { text, file } = fixture('real-world/nginx/good/01-emqx-guide-stream.conf');
    const m = await mapNginxConfig(text, file, opts({ tls: TLS }));
    expect(m.mapping.map((e) => `${e.backend}/${e.server}→${e.node}@${e.mapped}:${e.line}`)).toEqual([
      'mqtt_servers/emqx1-cluster.emqx.invalid:1883→node1@127.0.9.1:1883:18',
      'mqtt_servers/emqx2-cluster.emqx.invalid:1883→node2@127.0.9.2:1883:19',
      'mqtt_servers/emqx3-cluster.emqx.invalid:1883→node3@127.0.9.3:1883:20',
    ]);
    const out = m.text.split('\n');
    expect(out).toHaveLength(text.split('\n').length);
    for (const e of m.mapping) expect(out[e.line - 1]).toContain(`server ${e.mapped};`);
    expect(
      m.listens.map((l) => `${l.frontend}@${l.line}→${l.host}:${l.port}${l.ssl ? ' ssl' : ''} ${l.backend}`),
    ).toEqual([
      'stream:1883@25→127.0.9.10:30000 mqtt_servers',
      'stream:8883@33→127.0.9.10:30001 ssl mqtt_servers',
      'http:8888@52→127.0.9.10:30002 undefined',
    ]);
    expect(out[24]).toMatch(/^\s+listen 127\.0\.9\.10:30000;$/);
    expect(out[32]).toMatch(/^\s+listen 127\.0\.9\.10:30001 ssl;$/);
    expect(out[0]).toMatch(
      /^daemon off; pid \/run\/mlb-test\/nginx\.pid; load_module \/usr\/lib\/nginx\/modules\/ngx_stream_module\.so; #/,
    );
    expect(out[4]).toMatch(/^# user nginx;.*mqtt-lb/);
    expect(out[7]).toBe('error_log /run/mlb-test/error.log notice;');
    expect(out[8]).toMatch(/^# pid/);
    expect(out[35]).toContain(`ssl_certificate ${TLS.cert};`);
    expect(out[36]).toContain(`ssl_certificate_key ${TLS.key};`);
    expect(m.statusPage).toMatchObject({ host: '127.0.9.10', port: 30002, path: '/status', line: 55 });
    expect(m.text.replace(/#.*$/gm, '')).not.toMatch(/\.invalid|\/var\/log|\/var\/run/);
    const why = m.rewrites.map((r) => `${r.line}:${r.shape}`);
    expect(why).toEqual(expect.arrayContaining(['18:upstream', '25:listen', '5:process', '8:log', '36:certificate']));
  });

  test('explicit --map wins over position', async () => {
    const { text, file } = fixture('real-world/nginx/good/01-emqx-guide-stream.conf');
    const m = await mapNginxConfig(
      text,
      file,
      opts({ tls: TLS, explicit: parseMapEntries(['emqx1-cluster.emqx.invalid:1883=node3']) }),
    );
    expect(m.mapping[0]).toMatchObject({ node: 'node3', mapped: '127.0.9.3:1883' });
  });

  test('without generated PKI the certificate paths stay, relative ones made absolute', async () => {
    const file = tmpFile('nginx.conf', '');
    const text = `events {}\nstream {\n upstream u { server a:1883; }\n server { listen 8883 ssl; ssl_certificate certs/c.pem;\n ssl_certificate_key /k.pem; proxy_pass u; }\n}\n`;
    const m = await mapNginxConfig(text, file, opts());
    expect(m.text).toContain(`ssl_certificate ${path.join(path.dirname(file), 'certs/c.pem')};`);
    expect(m.text).toContain('ssl_certificate_key /k.pem;');
  });
});

describe('the refuse-unmapped rule', () => {
  test('a fourth upstream server maps to no node: refused with file:line', async () => {
    const text = `events {}\nstream {\n  upstream u {\n    server a:1883;\n    server b:1883;\n    server c:1883;\n    server d:1883;\n  }\n  server { listen 1883; proxy_pass u; }\n}\n`;
    const file = tmpFile('four.conf', text);
    const err = await refusal(mapNginxConfig(text, file, opts()));
    expect(err.format()).toMatch(
      /four\.conf:7: server 'd:1883'.*in backend 'u' maps to no harness node[\s\S]*fix: map it/,
    );
  });
  test('a server without port and a unix socket are refused', async () => {
    const noPort = `events {}\nstream {\n  upstream u { server a; }\n  server { listen 1883; proxy_pass u; }\n}\n`;
    expect((await refusal(mapNginxConfig(noPort, '/x/n.conf', opts()))).line).toBe(3);
    const unix = `events {}\nstream {\n  upstream u {\n server unix:/tmp/s; }\n  server { listen 1883; proxy_pass u; }\n}\n`;
    expect((await refusal(mapNginxConfig(unix, '/x/n.conf', opts()))).format()).toMatch(/n\.conf:4: .*unix socket/);
  });
  test('proxy_pass $var reaching anything but upstream blocks, proxy_bind off the machine and mail are refused', async () => {
    const open = `events {}\nstream {\n  upstream u { server a:1883; }\n  server { listen 1883; proxy_pass u; }\n`;
    const mapToHost = `${open}  map $ssl_preread_server_name $b {\n    default 10.0.0.9:8883;\n  }\n  server { listen 8883; ssl_preread on; proxy_pass $b; }\n}\n`;
    expect((await refusal(mapNginxConfig(mapToHost, '/x/n.conf', opts()))).format()).toMatch(
      /n\.conf:8: proxy_pass \$b: the map gives it 10\.0\.0\.9:8883, which is no upstream block/,
    );
    const noMap = `${open}  server { listen 8883; proxy_pass $nowhere; }\n}\n`;
    expect((await refusal(mapNginxConfig(noMap, '/x/n.conf', opts()))).message).toMatch(/no `map` sets this variable/);
    const bind = `${open}  server { listen 1884; proxy_bind 10.211.55.5; proxy_pass u; }\n}\n`;
    expect((await refusal(mapNginxConfig(bind, '/x/n.conf', opts()))).line).toBe(5);
    const mail = `${open}}\nmail {\n  server { listen 25; }\n}\n`;
    expect((await refusal(mapNginxConfig(mail, '/x/n.conf', opts()))).line).toBe(6);
  });

  test('a direct proxy_pass address is mapped like an upstream server', async () => {
    const text = `events {}\nstream {\n  upstream u { server a:1883; }\n  server { listen 1883; proxy_pass u; }\n}\nhttp {\n  server {\n    listen 18083;\n    location / { proxy_pass http://192.168.100.130:18083/; }\n  }\n}\n`;
    const m = await mapNginxConfig(text, '/x/n.conf', opts());
    expect(m.text.split('\n')[8]).toContain('proxy_pass http://127.0.9.1:18083/;');
    expect(m.mapping[1]).toMatchObject({ backend: '192.168.100.130:18083', node: 'node1', line: 9 });
  });
});

describe('includes, modules and listens', () => {
  test('an included file with mapped lines is inlined on its include line; others become absolute', async () => {
    const main = tmpFile('nginx.conf', '');
    const dir = path.dirname(main);
    mkdirSync(path.join(dir, 'streams'));
    writeFileSync(
      path.join(dir, 'streams', 'mqtt.conf'),
      '# mqtt\nupstream u {\n  server a:1883;\n}\nserver { listen 1883; proxy_pass u; }\n',
    );
    writeFileSync(path.join(dir, 'types.conf'), 'types { text/plain txt; }\n');
    const text = 'events {}\nstream {\n  include streams/*.conf;\n}\nhttp {\n  include types.conf;\n}\n';
    const m = await mapNginxConfig(text, main, opts());
    const out = m.text.split('\n');
    expect(out).toHaveLength(text.split('\n').length);
    expect(out[2]).toBe('  upstream u { server 127.0.9.1:1883; } server { listen 127.0.9.10:30000; proxy_pass u; }');
    expect(out[5]).toBe(`  include ${path.join(dir, 'types.conf')};`);
    expect(m.mapping[0]).toMatchObject({ line: 3 });
    expect(m.mappingFiles[0]).toBe(path.join(dir, 'streams', 'mqtt.conf'));
    expect(m.rewrites.find((r) => r.shape === 'upstream')).toMatchObject({
      file: path.join(dir, 'streams', 'mqtt.conf'),
      line: 3,
    });
    expect(m.rewrites.find((r) => r.shape === 'include' && r.line === 3)?.to).toMatch(/inlined/);
    const report = nginxAddressRewrites(m);
    expect(report.some((r) => r.original.startsWith(`${path.join(dir, 'streams', 'mqtt.conf')}:5: listen 1883;`))).toBe(
      true,
    );
    expect(report.some((r) => r.reason.startsWith('upstream'))).toBe(false);
  });

  test('a relative include inside an included file forces the inlining (it would resolve against the run directory)', async () => {
    const main = tmpFile('nginx.conf', '');
    const dir = path.dirname(main);
    mkdirSync(path.join(dir, 'sites'));
    mkdirSync(path.join(dir, 'snippets'));
    writeFileSync(path.join(dir, 'snippets', 'hdr.conf'), 'add_header X-A 1;\n');
    writeFileSync(
      path.join(dir, 'sites', 'a'),
      'server {\n  include snippets/hdr.conf;\n  location / { return 200; }\n}\n',
    );
    const text =
      'events {}\nstream { upstream u { server a:1883; } server { listen 1883; proxy_pass u; } }\nhttp {\n  include sites/*;\n}\n';
    const m = await mapNginxConfig(text, main, opts());
    expect(m.text.split('\n')[3]).toBe(
      `  server { listen 127.0.9.10:30001; include ${path.join(dir, 'snippets/hdr.conf')}; location / { return 200; } }`,
    );
  });

  test('the stream module is loaded exactly once, whether the config loads it or not', async () => {
    const mod = fixture('real-world/nginx/good/04-ssl-preread-passthrough.conf');
    const a = await mapNginxConfig(mod.text, mod.file, opts());
    const deb = fixture('real-world/nginx/good/02-hardened-least-conn.conf');
    const b = await mapNginxConfig(deb.text, deb.file, opts());
    const plain = fixture('real-world/nginx/broken/01-no-max-fails.conf');
    const c = await mapNginxConfig(plain.text, plain.file, opts());
    for (const m of [a, b, c]) {
      const live = m.text.replace(/#.*$/gm, '');
      expect(live.match(/load_module \S*ngx_stream_module\.so;/g)).toHaveLength(1);
    }
    expect(a.text.split('\n')[4]).toMatch(/^# load_module .*mqtt-lb: the harness loads the stream module once/);
    const noStream = await mapNginxConfig(
      'events {}\nhttp { upstream u { server a:18083; } server { listen 80; location / { proxy_pass http://u; } } }\n',
      '/x/n.conf',
      opts(),
    );
    expect(noStream.text).not.toMatch(/load_module/);
    const builtIn = await mapNginxConfig(plain.text, plain.file, opts({ streamModule: null }));
    expect(builtIn.text).not.toMatch(/load_module/);
  });

  test('an IPv6 twin listen is folded; an http server without listen gets one; flags kept', async () => {
    const text = `events {}\nstream {\n  upstream u { server a:1883; }\n  server {\n    listen 1883 reuseport proxy_protocol;\n    listen [::]:1883 ipv6only=on reuseport;\n    proxy_pass u;\n  }\n}\nhttp {\n  server { location / { return 200; } }\n}\n`;
    const m = await mapNginxConfig(text, '/x/n.conf', opts());
    const out = m.text.split('\n');
    expect(out[4]).toBe('    listen 127.0.9.10:30000 reuseport proxy_protocol;');
    expect(out[5]).toMatch(/^ {4}# listen \[::\]:1883 ipv6only=on reuseport;.*one run address serves both/);
    expect(out[10]).toBe('  server { listen 127.0.9.10:30001; location / { return 200; } }');
    expect(m.listens[0]).toMatchObject({ proxyProtocol: true, ssl: false });
  });

  test('production worker sizes are scaled to the machine on their line', async () => {
    const text = `worker_processes 16;\nworker_rlimit_nofile 1000000;\nevents { worker_connections 100000; }\nstream { upstream u { server a:1883; } server { listen 1883; proxy_pass u; } }\n`;
    const m = await mapNginxConfig(
      text,
      '/x/n.conf',
      opts({ machine: { openFiles: 20000, cpus: 2, where: 'this machine' } }),
    );
    const out = m.text.split('\n');
    expect(out[0]).toMatch(/worker_processes 2;$/);
    expect(out[1]).toBe('worker_rlimit_nofile 20000;');
    expect(out[2]).toBe('events { worker_connections 18000; }');
    expect(m.machineFit?.rewrites.map((r) => r.reason)).toEqual([
      'this machine has 2 CPUs',
      'open-files hard limit here is 20000',
      'open-files hard limit here is 20000; 2000 descriptors kept for listeners and logs',
    ]);
  });
});

describe('every real-world NGINX fixture maps', () => {
  const files = ['good', 'broken'].flatMap((d) =>
    readdirSync(path.resolve('fixtures/real-world/nginx', d))
      .filter((f) => f.endsWith('.conf')) // the profiles beside them are not configs
      .map((f) => `real-world/nginx/${d}/${f}`),
  );
  test.each(files)('%s: three nodes, lines kept, nothing production-addressed left', async (rel) => {
    const { text, file } = fixture(rel);
    const m = await mapNginxConfig(text, file, opts({ tls: TLS }));
    expect(new Set(m.mapping.map((e) => e.node))).toEqual(new Set(['node1', 'node2', 'node3']));
    expect(m.text.split('\n')).toHaveLength(text.split('\n').length);
    const live = m.text.replace(/#.*$/gm, '');
    expect(live).not.toMatch(
      /\.invalid:\d|\b10\.\d+\.\d+\.\d+|192\.168\.|172\.(20|30)\.|\/var\/log|\/var\/run|\/run\/nginx/,
    );
    expect(live).toMatch(/^daemon off;/);
  });
});
