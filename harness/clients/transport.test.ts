/** The profile's client transport: which endpoint and URL clients use, and the ConfigError for a missing frontend. */
import { describe, expect, test } from '@jest/globals';
import { ConfigError } from '../errors.js';
import { requireTransportEndpoints, transportList, TransportRoute, wsUrl } from './transport.js';

const mqtt = { host: '127.0.1.10', port: 1883 };
const ws = { host: '127.0.1.10', port: 8083 };

describe('client transport', () => {
  test('one transport or a list, without repeats; tcp by default', () => {
    expect(transportList(undefined)).toEqual(['tcp']);
    expect(transportList('ws')).toEqual(['ws']);
    expect(transportList(['tcp', 'ws', 'tcp'])).toEqual(['tcp', 'ws']);
  });

  test('ws without a WebSocket frontend: a ConfigError naming the config file and the frontend and server to add', () => {
    let err: unknown;
    try {
      requireTransportEndpoints(['tcp', 'ws'], {}, '/etc/haproxy/haproxy.cfg');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.file).toBe('/etc/haproxy/haproxy.cfg');
    expect(e.message).toMatch(/clients\.transport: ws.*no WebSocket frontend.*8083/);
    expect(e.fix).toMatch(/bind :8083/);
    expect(e.fix).toMatch(/server emqx1 <node1>:8083 check/);
    expect(() => requireTransportEndpoints(['tcp'], {}, 'x.cfg')).not.toThrow();
    expect(() => requireTransportEndpoints(['ws'], { ws }, 'x.cfg')).not.toThrow();
    expect(() => requireTransportEndpoints(['wss'], { ws }, 'x.cfg')).toThrow(/secure WebSocket/);
  });

  test('clients aimed at the MQTT endpoint go to ws://…/mqtt; a mix alternates; other targets keep TCP', () => {
    const only = new TransportRoute(['ws'], { mqtt, ws });
    const t = only.pick(mqtt, undefined);
    expect(t && wsUrl(t)).toBe('ws://127.0.1.10:8083/mqtt');
    expect(only.pick({ host: '127.0.1.1', port: 1883 }, undefined)).toBeUndefined();
    expect(only.pick({ host: '127.0.1.10', port: 8883 }, 'mqtts')).toBeUndefined();
    const mix = new TransportRoute(['tcp', 'ws'], { mqtt, ws });
    expect([0, 1, 2, 3].map(() => mix.pick(mqtt, 'mqtt')?.transport ?? 'tcp')).toEqual(['tcp', 'ws', 'tcp', 'ws']);
    expect(new TransportRoute(['tcp'], { mqtt, ws }).pick(mqtt, undefined)).toBeUndefined();
  });
});
