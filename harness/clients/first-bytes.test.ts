import { describe, expect, test } from '@jest/globals';
import mqttPacket from 'mqtt-packet';
import { classifyFirstBytes } from './first-bytes.js';

/** HAProxy 2.6's answer to an MQTT CONNECT on a `mode http` frontend, as captured on the wire. */
const HAPROXY_400 =
  'HTTP/1.1 400 Bad request\r\nContent-length: 90\r\nCache-Control: no-cache\r\nConnection: close\r\n' +
  'Content-Type: text/html\r\n\r\n<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n';

describe('classifyFirstBytes', () => {
  test('an HTTP/1.1 400 response as HAProxy sends it → http, quoting the status line', () => {
    expect(classifyFirstBytes(Buffer.from(HAPROXY_400, 'latin1'))).toEqual({
      seen: 'http',
      detail: 'HTTP/1.1 400 Bad request',
      firstLine: 'HTTP/1.1 400 Bad request',
    });
  });

  test('a status line split over two chunks still reads as HTTP once the first bytes are there', () => {
    expect(classifyFirstBytes(Buffer.from('HTTP/1.0 503', 'latin1')).seen).toBe('http');
  });

  test('a TLS alert record (fatal handshake_failure, TLS 1.2) is decoded', () => {
    const alert = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
    expect(classifyFirstBytes(alert)).toEqual({
      seen: 'tls-alert',
      detail: 'TLS alert: fatal handshake_failure (40), TLS 1.2',
    });
  });

  test('a TLS 1.0 protocol_version alert (what an old-TLS server sends to a modern hello) is decoded', () => {
    const alert = Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]);
    expect(classifyFirstBytes(alert).detail).toBe('TLS alert: fatal protocol_version (70), TLS 1.0');
  });

  test('a TLS handshake record (ServerHello) → tls-record', () => {
    const hello = Buffer.from('160303007a020000760303', 'hex');
    expect(classifyFirstBytes(hello)).toEqual({ seen: 'tls-record', detail: 'TLS handshake record, TLS 1.2' });
  });

  test('a PROXY protocol v1 header → proxy-v1 with its line', () => {
    const h = Buffer.from('PROXY TCP4 127.0.0.1 127.0.1.1 40512 1883\r\n\x10\x0c', 'latin1');
    expect(classifyFirstBytes(h)).toMatchObject({
      seen: 'proxy-v1',
      firstLine: 'PROXY TCP4 127.0.0.1 127.0.1.1 40512 1883',
    });
  });

  test('a PROXY protocol v2 header (signature, PROXY TCP4, 12 address bytes) → proxy-v2', () => {
    const h = Buffer.concat([
      Buffer.from('0d0a0d0a000d0a515549540a', 'hex'),
      Buffer.from([0x21, 0x11, 0x00, 0x0c, 127, 0, 0, 1, 127, 0, 1, 1, 0x9e, 0x40, 0x07, 0x5b]),
    ]);
    expect(classifyFirstBytes(h)).toEqual({ seen: 'proxy-v2', detail: 'PROXY protocol v2 header' });
  });

  test('a valid CONNACK (MQTT 3.1.1 and MQTT 5, from mqtt-packet) → mqtt', () => {
    const v4 = mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    const v5 = mqttPacket.generate({ cmd: 'connack', reasonCode: 0, sessionPresent: false }, { protocolVersion: 5 });
    expect(classifyFirstBytes(v4)).toEqual({ seen: 'mqtt', detail: 'MQTT CONNACK' });
    expect(classifyFirstBytes(v5).seen).toBe('mqtt');
  });

  test('other bytes → unknown, in hex; a text banner → unknown, quoting its first line', () => {
    expect(classifyFirstBytes(Buffer.from([0x00, 0x01, 0x02]))).toEqual({
      seen: 'unknown',
      detail: 'bytes 0x000102 (not an MQTT CONNACK)',
    });
    expect(classifyFirstBytes(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n', 'latin1'))).toMatchObject({
      seen: 'unknown',
      firstLine: 'SSH-2.0-OpenSSH_9.2',
    });
  });
});
