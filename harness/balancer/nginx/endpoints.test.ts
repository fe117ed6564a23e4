import { describe, expect, test } from '@jest/globals';
import { fixture } from '../../../test/helpers/files.js';
import { ConfigError } from '../../errors.js';
import { mapNginxConfig, type NginxMapOptions } from './map-config.js';
import { nginxEndpoints, type NginxEndpoints } from './endpoints.js';
import { staticNginx } from './static.js';

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

async function endpointsOfText(text: string, file = '/x/nginx.conf'): Promise<NginxEndpoints> {
  const m = await mapNginxConfig(text, file, opts());
  return nginxEndpoints(m.listens, m.mapping, undefined, file);
}

async function endpointsOf(rel: string): Promise<NginxEndpoints> {
  const { text, file } = fixture(`real-world/nginx/${rel}`);
  return endpointsOfText(text, file);
}

describe('NGINX endpoints by what the upstream servers serve', () => {
  test('the guide: 1883 is MQTT, the ssl listen in front of 1883 is MQTT/TLS, the status page is no endpoint', async () => {
    const e = await endpointsOf('good/01-emqx-guide-stream.conf');
    expect(e.mqtt).toEqual({ host: '127.0.9.10', port: 30000 });
    expect(e.mqtts).toEqual({ host: '127.0.9.10', port: 30001 });
    expect(e.dashboard).toBeUndefined();
    expect(e.frontends['stream:8883']).toMatchObject({ tls: true, backend: 'mqtt_servers', line: 33 });
    expect(e.ws).toBeUndefined();
  });

  test('ssl_preread pass-through: 8883 first in the file is MQTT/TLS (its servers serve 8883), 1883 is MQTT', async () => {
    const e = await endpointsOf('good/04-ssl-preread-passthrough.conf');
    expect(e.mqtts).toEqual({ host: '127.0.9.10', port: 30000 });
    expect(e.mqtt).toEqual({ host: '127.0.9.10', port: 30001 });
  });

  test('WebSocket location on 8083 is ws with its path; 18083 is the dashboard', async () => {
    const e = await endpointsOf('good/05-websocket-location.conf');
    expect(e.mqtt).toEqual({ host: '127.0.9.10', port: 30000 });
    expect(e.ws).toMatchObject({ host: '127.0.9.10', port: 30001, path: '/mqtt', line: 53, proxyLine: 57 });
    expect(e.dashboard).toEqual({ host: '127.0.9.10', port: 30002 });
    expect(e.wss).toBeUndefined();
  });

  test('file order does not decide: listens in reverse order give the same roles', async () => {
    const text = `events {}\nhttp {\n  upstream ws { server a:8083; server b:8083; server c:8083; }\n  server { listen 8084 ssl; ssl_certificate /c; ssl_certificate_key /k; location / { proxy_pass http://ws; } }\n  server { listen 80; location /mqtt { proxy_pass http://ws; } }\n}\nstream {\n  upstream t { server a:1883; server b:1883; server c:1883; }\n  server { listen 8883 ssl; ssl_certificate /c; ssl_certificate_key /k; proxy_pass t; }\n  server { listen 1883; proxy_pass t; }\n}\n`;
    const e = await endpointsOfText(text);
    expect(e.wss).toMatchObject({ port: 30000, path: '/mqtt', line: 4 });
    expect(e.ws).toMatchObject({ port: 30001, path: '/mqtt', line: 5 });
    expect(e.mqtts).toEqual({ host: '127.0.9.10', port: 30002 });
    expect(e.mqtt).toEqual({ host: '127.0.9.10', port: 30003 });
  });

  test('no listen in front of 1883 servers: refused with the fix', async () => {
    const text = `events {}\nhttp {\n  upstream d { server a:18083; }\n  server { listen 18083; location / { proxy_pass http://d; } }\n}\n`;
    const err = await endpointsOfText(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/no frontend can serve plain MQTT/);
  });
});

describe('read without starting anything', () => {
  test('staticNginx gives facts and endpoints of a fixture file', async () => {
    const s = await staticNginx(fixture('real-world/nginx/good/05-websocket-location.conf').file, 3);
    expect(s.facts.kind).toBe('nginx');
    expect(s.facts.mqttBackend.name).toBe('emqx_tcp');
    expect(s.endpoints.ws?.path).toBe('/mqtt');
  });
});
