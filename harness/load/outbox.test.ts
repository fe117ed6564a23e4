/** The connection's QoS 1/2 state and MQTT.js' keepalive steps, without sockets. */
import { describe, expect, test } from '@jest/globals';
import mqttPacket from 'mqtt-packet';
import { Outbox } from './outbox.js';
import { keepaliveStep } from './keepalive.js';
import * as wire from './wire.js';

describe('outbox', () => {
  test('QoS 1 completes on PUBACK, QoS 2 only after PUBREC then PUBCOMP', () => {
    const o = new Outbox();
    o.outgoing.set(1, { stream: 's', seq: 0, at: 0, qos: 1, packet: null, released: false });
    o.outgoing.set(2, { stream: 's', seq: 1, at: 0, qos: 2, packet: null, released: false });
    expect(o.complete(2, 2)).toBeUndefined(); // PUBCOMP before PUBREC
    expect(o.complete(1, 2)).toBeUndefined(); // wrong kind of ack
    expect(o.complete(1, 1)).toMatchObject({ seq: 0 });
    expect(o.received(2)).toBe(true);
    expect(o.complete(2, 2)).toMatchObject({ seq: 1 });
    expect(o.outgoing.size).toBe(0);
    expect(o.received(9)).toBe(false);
  });

  test('a PUBACK completes a QoS 2 publish the broker downgraded (RabbitMQ 3.10), as MQTT.js does', () => {
    const o = new Outbox();
    o.outgoing.set(3, { stream: 's', seq: 0, at: 0, qos: 2, packet: null, released: false });
    o.outgoing.set(4, { stream: 's', seq: 1, at: 0, qos: 2, packet: null, released: false });
    expect(o.complete(3, 1)).toMatchObject({ seq: 0 });
    o.received(4);
    expect(o.complete(4, 1)).toBeUndefined(); // released by PUBREC: only PUBCOMP completes it
    expect(o.complete(4, 2)).toMatchObject({ seq: 1 });
    expect(o.outgoing.size).toBe(0);
  });

  test('resend after a reconnect: PUBLISH again with DUP, PUBREL for a QoS 2 already released', () => {
    const o = new Outbox();
    const publish = wire.publishPacket('t', Buffer.from('x'), 1, 7);
    o.outgoing.set(7, { stream: 's', seq: 0, at: 0, qos: 1, packet: publish, released: false });
    o.outgoing.set(8, {
      stream: 's',
      seq: 1,
      at: 0,
      qos: 2,
      packet: wire.publishPacket('t', Buffer.from('y'), 2, 8),
      released: false,
    });
    o.received(8);
    const parsed: mqttPacket.Packet[] = [];
    let rest: Buffer | null = null;
    for (const b of o.resend()) rest = wire.readFrames(rest, b, (p) => parsed.push(p));
    expect(parsed).toMatchObject([
      { cmd: 'publish', messageId: 7, qos: 1, dup: true, topic: 't' },
      { cmd: 'pubrel', messageId: 8 },
    ]);
  });

  test('CONNECT carries the will', () => {
    const will = { topic: 'w', payload: Buffer.from('gone'), qos: 1 as const, retain: false };
    const parsed: mqttPacket.Packet[] = [];
    wire.readFrames(null, wire.connectPacket('c', 5, false, will), (p) => parsed.push(p));
    expect(parsed[0]).toMatchObject({ cmd: 'connect', clean: false, keepalive: 5, will: { topic: 'w', qos: 1 } });
  });
});

describe('keepalive steps (MQTT.js 5: ping at keepalive, dead at 1.5 × keepalive)', () => {
  test.each([
    [0, 'wait', 5000],
    [4000, 'wait', 1000],
    [5000, 'ping', 2500],
    [7000, 'ping', 500],
    [7500, 'dead', 0],
  ])('%i ms quiet at keepalive 5 s: %s, next check in %i ms', (quiet, action, nextMs) => {
    expect(keepaliveStep(5, quiet)).toEqual({ action, nextMs });
  });
});
