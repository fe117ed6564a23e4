import { describe, expect, test } from '@jest/globals';
import { ConnectInspector } from '../mqtt/connect-inspector.js';
import { readMqttConnect, type ConnectReadResult } from '../mqtt/connect-reader.js';
import { connectPacket } from './helpers/packets.js';
import { randomBytes, randomInt, seededRandom } from './helpers/random.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function ok(r: ConnectReadResult) {
  if (r.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.info;
}
function invalid(r: ConnectReadResult): string {
  if (r.status !== 'invalid') throw new Error(`expected invalid, got ${r.status}`);
  return r.reason;
}

describe('MQTT CONNECT reader: valid vectors', () => {
  test('3.1.1 health-check CONNECT (empty id, clean, keepalive 60)', () => {
    const info = ok(readMqttConnect(hex('100c00044d5154540402003c0000')));
    expect(info).toMatchObject({
      protocolName: 'MQTT',
      protocolLevel: 4,
      keepAlive: 60,
      cleanStart: true,
      complete: true,
      packetLength: 14,
    });
    expect(info.clientIdBytes.length).toBe(0);
  });

  test('5.0 hand-encoded CONNECT with session expiry property and client id "ab"', () => {
    const info = ok(readMqttConnect(hex('10 14 0004 4d515454 05 02 003c 05 11 00000078 0002 6162')));
    expect(info.protocolLevel).toBe(5);
    expect(info.clientIdBytes.toString()).toBe('ab');
    expect(info.complete).toBe(true);
  });

  test('3.1 (MQIsdp, level 3)', () => {
    const info = ok(readMqttConnect(connectPacket({ protocolVersion: 3, clientId: 'legacy-1' })));
    expect(info).toMatchObject({ protocolName: 'MQIsdp', protocolLevel: 3 });
    expect(info.clientIdBytes.toString()).toBe('legacy-1');
  });

  test('3.1.1 with will, user name and password', () => {
    const pkt = connectPacket({
      clientId: 'dev-42',
      clean: false,
      username: 'u',
      password: Buffer.from('p'),
      will: { topic: 'w/t', payload: Buffer.from('bye'), qos: 1, retain: true },
    });
    const info = ok(readMqttConnect(pkt));
    expect(info).toMatchObject({
      protocolLevel: 4,
      cleanStart: false,
      hasWill: true,
      hasUsername: true,
      hasPassword: true,
      complete: true,
      packetLength: pkt.length,
    });
    expect(info.clientIdBytes.toString()).toBe('dev-42');
  });

  test('5.0 with CONNECT properties, will properties and a UTF-8 client id', () => {
    const pkt = connectPacket({
      protocolVersion: 5,
      clientId: 'käse-🧀',
      properties: {
        sessionExpiryInterval: 3600,
        receiveMaximum: 10,
        userProperties: { a: 'b' },
        maximumPacketSize: 1000,
      },
      will: { topic: 'w', payload: Buffer.from('x'), properties: { willDelayInterval: 5, contentType: 'text/plain' } },
    });
    const info = ok(readMqttConnect(pkt));
    expect(info.clientIdBytes.toString('utf8')).toBe('käse-🧀');
    expect(info.complete).toBe(true);
  });

  test('a CONNECT larger than the inspect limit is accepted once the client id is read', () => {
    const pkt = connectPacket({ clientId: 'big', will: { topic: 't', payload: Buffer.alloc(100_000, 1) } });
    const info = ok(readMqttConnect(pkt.subarray(0, 40), 65_536));
    expect(info.complete).toBe(false);
    expect(info.clientIdBytes.toString()).toBe('big');
  });

  test('bytes after the CONNECT (pipelined SUBSCRIBE) are fine', () => {
    const pkt = Buffer.concat([connectPacket({ clientId: 'c' }), hex('820600010001 6100')]);
    expect(ok(readMqttConnect(pkt)).clientIdBytes.toString()).toBe('c');
  });
});

describe('MQTT CONNECT reader: invalid and truncated input', () => {
  const cases: [string, string, RegExp][] = [
    ['not a CONNECT (PUBLISH)', '30020000', /not a CONNECT/],
    ['CONNECT with fixed-header flags', '110c00044d5154540402003c0000', /not a CONNECT/],
    ['remaining length longer than 4 bytes', '10ffffffff7f', /longer than 4 bytes/],
    ['wrong protocol name', '100c00044d5154580402003c0000', /unsupported protocol/],
    ['unsupported level 6', '100c00044d5154540602003c0000', /unsupported protocol/],
    ['MQIsdp with level 4', '100e00064d514973647004 02003c0000', /unsupported protocol/],
    ['reserved flag set', '100c00044d5154540403003c0000', /reserved/],
    ['will QoS 3', '100c00044d515454041e003c0000', /will QoS is 3|will/],
    ['will retain without will flag', '100c00044d5154540422003c0000', /without the will flag/],
    ['password without user name (3.1.1)', '100c00044d5154540442003c0000', /password flag/],
    ['client id runs past the packet', '100c00044d5154540402003c0005', /past the end/],
    ['client id is not UTF-8', '100e00044d5154540402003c0002c328', /UTF-8/],
    ['client id contains U+0000', '100e00044d5154540402003c00026100', /UTF-8/],
    ['trailing bytes inside the packet', '100e00044d5154540402003c0000abcd', /unexpected bytes/],
    ['5.0 property not allowed in CONNECT', '100e00044d5154540502003c02 0101 0000', /not allowed/],
    ['5.0 properties longer than the packet', '100d00044d5154540502003c20 0000', /past the end/],
    ['HTTP request', Buffer.from('GET / HTTP/1.1\r\n\r\n').toString('hex'), /not a CONNECT/],
  ];
  test.each(cases)('%s', (_name, bytes, reason) => {
    expect(invalid(readMqttConnect(hex(bytes)))).toMatch(reason);
  });

  test('password without user name is allowed in 5.0', () => {
    expect(ok(readMqttConnect(hex('101000044d5154540542003c00 0000 0001 70'))).hasPassword).toBe(true);
  });

  test('every strict prefix of a valid CONNECT is incomplete, with a growing byte target', () => {
    const pkt = connectPacket({
      protocolVersion: 5,
      clientId: 'abc',
      username: 'u',
      password: Buffer.from('pw'),
      properties: { sessionExpiryInterval: 10 },
    });
    for (let n = 0; n < pkt.length; n++) {
      const r = readMqttConnect(pkt.subarray(0, n));
      expect(r.status).toBe('incomplete');
      if (r.status === 'incomplete') expect(r.need).toBeGreaterThan(n);
    }
  });

  test('the inspector gives the same answer fed byte by byte', () => {
    const pkt = connectPacket({ clientId: 'byte-by-byte', will: { topic: 'a', payload: Buffer.from('b') } });
    const insp = new ConnectInspector();
    let outcome;
    for (let i = 0; i < pkt.length; i++) {
      outcome = insp.push(pkt.subarray(i, i + 1));
      if (i < pkt.length - 1) expect(outcome.status).toBe('incomplete');
    }
    expect(outcome?.status).toBe('ok');
    if (outcome?.status === 'ok') {
      expect(outcome.info.clientIdBytes.toString()).toBe('byte-by-byte');
      expect(outcome.bytes.equals(pkt)).toBe(true);
    }
  });

  test('the inspector names a PROXY header sent by the client', () => {
    const r = new ConnectInspector().push(Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'));
    expect(r).toEqual({ status: 'invalid', reason: 'unexpected PROXY protocol header from the client' });
  });

  test('the inspector gives up at its byte limit', () => {
    const insp = new ConnectInspector(1024);
    const head = hex('10ff7f'); // remaining length 16383 > limit
    expect(insp.push(head).status).toBe('incomplete');
    let r = insp.push(Buffer.alloc(600, 0x00));
    r = r.status === 'incomplete' ? insp.push(Buffer.alloc(600, 0x00)) : r;
    expect(r.status).toBe('invalid');
  });
});

describe('MQTT CONNECT reader: fuzz', () => {
  test('20,000 random byte strings never throw', () => {
    const rnd = seededRandom(1);
    for (let i = 0; i < 20_000; i++) {
      const buf = randomBytes(rnd, randomInt(rnd, 64));
      if (i % 2 === 0 && buf.length > 0) buf[0] = 0x10;
      const r = readMqttConnect(buf);
      expect(['ok', 'incomplete', 'invalid']).toContain(r.status);
    }
  });

  test('10,000 mutated valid CONNECTs never throw; answers stay within the buffer', () => {
    const rnd = seededRandom(2);
    const seeds = [
      connectPacket({ clientId: 'seed-1' }),
      connectPacket({
        protocolVersion: 5,
        clientId: 'seed-2',
        properties: { sessionExpiryInterval: 1, userProperties: { k: 'v' } },
        username: 'u',
      }),
      connectPacket({
        protocolVersion: 3,
        clientId: 'seed-3',
        will: { topic: 't', payload: Buffer.from('p'), qos: 2 },
      }),
    ];
    for (let i = 0; i < 10_000; i++) {
      const buf = Buffer.from(seeds[i % seeds.length]);
      const kind = randomInt(rnd, 4);
      let input: Buffer = buf;
      if (kind === 0) buf[randomInt(rnd, buf.length)] ^= 1 << randomInt(rnd, 8);
      else if (kind === 1) buf[randomInt(rnd, buf.length)] = randomInt(rnd, 256);
      else if (kind === 2) input = buf.subarray(0, randomInt(rnd, buf.length));
      else {
        const at = randomInt(rnd, buf.length);
        input = Buffer.concat([buf.subarray(0, at), randomBytes(rnd, 1 + randomInt(rnd, 4)), buf.subarray(at)]);
      }
      const r = readMqttConnect(input);
      if (r.status === 'ok') {
        const id = r.info.clientIdBytes;
        expect(id.byteOffset + id.length).toBeLessThanOrEqual(input.byteOffset + input.length);
        expect(r.info.packetLength).toBeGreaterThan(0);
      }
    }
  });

  test('2,000 random valid CONNECTs from an independent encoder are read with the right client id', () => {
    const rnd = seededRandom(3);
    const alphabet = 'abcXYZ019-_/ äö€🧀';
    for (let i = 0; i < 2_000; i++) {
      const chars = Array.from(alphabet);
      let clientId = '';
      for (let n = randomInt(rnd, 24); n > 0; n--) clientId += chars[randomInt(rnd, chars.length)];
      const version = ([3, 4, 5] as const)[randomInt(rnd, 3)];
      const clean = rnd() < 0.5;
      if (clientId === '' && (version === 3 || !clean)) clientId = 'x';
      const hasUser = rnd() < 0.5;
      const pkt = connectPacket({
        protocolVersion: version,
        clientId,
        clean,
        keepalive: randomInt(rnd, 65536),
        username: hasUser ? 'user' : undefined,
        password: hasUser && rnd() < 0.5 ? randomBytes(rnd, randomInt(rnd, 10)) : undefined,
        will:
          rnd() < 0.3
            ? { topic: 'will/' + i, payload: randomBytes(rnd, randomInt(rnd, 50)), qos: randomInt(rnd, 3) as 0 | 1 | 2 }
            : undefined,
        properties:
          version === 5 && rnd() < 0.5
            ? { sessionExpiryInterval: randomInt(rnd, 1000), userProperties: { a: String(i) } }
            : undefined,
      });
      const info = ok(readMqttConnect(pkt));
      expect(info.clientIdBytes.toString('utf8')).toBe(clientId);
      expect(info.complete).toBe(true);
    }
  });
});
