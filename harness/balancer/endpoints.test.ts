/** Endpoint choice: by what the servers behind a frontend serve, never by file order. */
import { describe, expect, test } from '@jest/globals';
import { endpointsFromBinds } from './endpoints.js';
import { mapHaproxyConfig } from './haproxy/map-config.js';
import { ConfigError } from '../errors.js';
import type { Endpoints } from '../types.js';
import { fixture } from '../../test/helpers/files.js';
import { mapOptions } from '../../test/helpers/haproxy.js';

/** Endpoints of a config as a run maps it: `frontend@written-port` for mqtt, mqtts, dashboard. */
async function endpointsOfText(text: string, file: string): Promise<Record<string, string | undefined>> {
  const m = await mapHaproxyConfig(text, file, mapOptions());
  const ep: Endpoints = endpointsFromBinds(m.binds, m.mapping, undefined, file);
  const name = (hp: Endpoints['mqtts']): string | undefined => {
    const b = hp && m.binds.find((x) => x.port === hp.port);
    return b && `${b.frontend}@${b.original}`;
  };
  return { mqtt: name(ep.mqtt), mqtts: name(ep.mqtts), dashboard: name(ep.dashboard) };
}
const endpointsOf = (rel: string): Promise<Record<string, string | undefined>> => {
  const { text, file } = fixture(rel);
  return endpointsOfText(text, file);
};

describe('endpoints from binds', () => {
  test('good/04: the stats frontend first in the file is not the MQTT endpoint', async () => {
    expect((await endpointsOf('real-world/good/04-hivemq-health-api.cfg')).mqtt).toBe('mqtt_frontend@*:1883');
  });

  test('good/08: `listen stats` first, no servers behind it: never an endpoint', async () => {
    expect(await endpointsOf('real-world/good/08-rabbitmq-listen-stats-first.cfg')).toEqual({
      mqtt: 'rabbitmq_mqtt@*:1883',
      mqtts: undefined,
      dashboard: undefined,
    });
  });

  test('good/03: MQTT, TLS termination and WebSocket frontends; the 8083 frontends are none of them', async () => {
    expect(await endpointsOf('real-world/good/03-emqx-usage-example-ws.cfg')).toEqual({
      mqtt: 'mqtt_servers@*:1883',
      mqtts: 'mqtt_tls_frontend@*:8883',
      dashboard: undefined,
    });
  });

  test("good/03: the frontends in front of the nodes' 8083 are the ws endpoint (plain) and the wss endpoint (ssl)", async () => {
    const { text, file } = fixture('real-world/good/03-emqx-usage-example-ws.cfg');
    const m = await mapHaproxyConfig(text, file, mapOptions());
    const ep = endpointsFromBinds(m.binds, m.mapping, undefined, file);
    const name = (hp: Endpoints['ws']): string | undefined => {
      const b = hp && m.binds.find((x) => x.port === hp.port);
      return b && `${b.frontend}@${b.original}`;
    };
    expect({ ws: name(ep.ws), wss: name(ep.wss) }).toEqual({
      ws: 'mqtt_ws_frontend@*:8083',
      wss: 'mqtt_ws_tls_frontend@*:8084',
    });
  });

  test('no frontend in front of port 8083: no ws endpoint', async () => {
    const ep = endpointsFromBinds(
      [{ frontend: 'mqtt', host: '127.0.1.10', port: 1883, ssl: false, backend: 'b' }],
      [{ backend: 'b', server: 's1', original: 'n1:1883', line: 3, node: 'node1', mapped: '127.0.1.1:1883' }],
    );
    expect(ep.ws).toBeUndefined();
    expect(ep.wss).toBeUndefined();
  });

  test('good/14: no default_backend, the use_backend targets serve 1883', async () => {
    expect((await endpointsOf('real-world/good/14-acl-use-backend-username.cfg')).mqtt).toBe('mqtt_in@:1883');
  });

  test('a frontend whose use_backend serves 1883 wins over file order; passthrough 8883 and dashboard by port', async () => {
    const text = [
      'frontend web',
      '  mode http',
      '  bind :80',
      '  http-request return status 200',
      'frontend dash',
      '  bind :18083',
      '  default_backend dashb',
      'frontend tls',
      '  bind :8883',
      '  default_backend passthrough',
      'frontend mq',
      '  bind :1883',
      '  use_backend mqttb if { src 10.0.0.0/8 }',
      'backend dashb',
      '  server d1 a:18083',
      'backend passthrough',
      '  server t1 a:8883',
      'backend mqttb',
      '  server m1 a:1883',
      '',
    ].join('\n');
    expect(await endpointsOfText(text, 'x.cfg')).toEqual({
      mqtt: 'mq@:1883',
      mqtts: 'tls@:8883',
      dashboard: 'dash@:18083',
    });
  });

  test('broken/10: `bind :1883 ssl` in front of 1883 and no plain frontend is refused, naming the bind line', async () => {
    const err = await endpointsOf('real-world/broken/10-ssl-on-plain-port.cfg').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(25);
    expect((err as ConfigError).message).toMatch(/binds the plain MQTT port \(.*:1883, line 25\) with `ssl`/);
  });

  test('no frontend can serve plain MQTT: ConfigError naming the file and the fix', async () => {
    const text =
      'listen stats\n  bind :1936\n  stats enable\nfrontend d\n  bind :18083\n  default_backend b\nbackend b\n  server s a:18083\n';
    const err = await endpointsOfText(text, '/etc/haproxy/h.cfg').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).format()).toMatch(
      /^\/etc\/haproxy\/h\.cfg: no frontend can serve plain MQTT[\s\S]*fix: /,
    );
  });
});

describe('endpoints of a listen section', () => {
  test('broken/05: a listen with default_backend sends its plain bind to that backend (1883)', async () => {
    expect(await endpointsOf('real-world/broken/05-emqx4-timeout-server-50s.cfg')).toEqual({
      mqtt: 'mqtt-ssl@*:1883',
      mqtts: 'mqtt-ssl@*:8883',
      dashboard: undefined,
    });
  });
});
