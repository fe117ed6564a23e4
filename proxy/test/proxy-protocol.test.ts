import { describe, expect, test } from '@jest/globals';
import {
  encodeProxyV1,
  encodeProxyV2,
  ipv6Bytes,
  looksLikeProxyHeader,
  PP2_SUBTYPE_SSL_CN,
  PP2_SUBTYPE_SSL_VERSION,
  PP2_TYPE_AUTHORITY,
  PP2_TYPE_SSL,
} from '../proxy-protocol.js';
import { decodeProxyHeader } from './helpers/proxy-decoder.js';

const ep4 = { sourceAddress: '192.168.0.1', sourcePort: 54321, destAddress: '10.0.0.1', destPort: 1883 };

describe('PROXY protocol v1', () => {
  test('TCP4 line', () => {
    expect(encodeProxyV1(ep4).toString()).toBe('PROXY TCP4 192.168.0.1 10.0.0.1 54321 1883\r\n');
  });
  test('IPv4-mapped IPv6 addresses are sent as TCP4', () => {
    expect(
      encodeProxyV1({ ...ep4, sourceAddress: '::ffff:127.0.0.1', destAddress: '::ffff:127.0.0.2' }).toString(),
    ).toBe('PROXY TCP4 127.0.0.1 127.0.0.2 54321 1883\r\n');
  });
  test('TCP6 line, mixed families mapped to IPv6', () => {
    expect(
      encodeProxyV1({ sourceAddress: '2001:db8::1', sourcePort: 1, destAddress: '::1', destPort: 2 }).toString(),
    ).toBe('PROXY TCP6 2001:db8::1 ::1 1 2\r\n');
    expect(encodeProxyV1({ sourceAddress: '1.2.3.4', sourcePort: 1, destAddress: '::1', destPort: 2 }).toString()).toBe(
      'PROXY TCP6 ::ffff:1.2.3.4 ::1 1 2\r\n',
    );
  });
  test('UNKNOWN without endpoints (health checks) or with unusable addresses', () => {
    expect(encodeProxyV1(null).toString()).toBe('PROXY UNKNOWN\r\n');
    expect(encodeProxyV1({ ...ep4, sourceAddress: 'not-an-ip' }).toString()).toBe('PROXY UNKNOWN\r\n');
  });
});

describe('PROXY protocol v2', () => {
  test('TCP over IPv4: exact bytes', () => {
    expect(encodeProxyV2(ep4).toString('hex')).toBe(
      '0d0a0d0a000d0a515549540a' + '21' + '11' + '000c' + 'c0a80001' + '0a000001' + 'd431' + '075b',
    );
  });
  test('TCP over IPv6', () => {
    const h = encodeProxyV2({
      sourceAddress: '2001:db8::ff00:42:8329',
      sourcePort: 4000,
      destAddress: '::1',
      destPort: 8883,
    });
    expect(h[13]).toBe(0x21);
    expect(h.readUInt16BE(14)).toBe(36);
    expect(decodeProxyHeader(h)).toMatchObject({
      version: 2,
      command: 'PROXY',
      source: '2001:db8:0:0:0:ff00:42:8329',
      dest: '0:0:0:0:0:0:0:1',
      sourcePort: 4000,
      destPort: 8883,
    });
  });
  test('LOCAL command for health checks', () => {
    expect(encodeProxyV2(null).toString('hex')).toBe('0d0a0d0a000d0a515549540a' + '20' + '00' + '0000');
  });
  test('TLS facts as PP2_TYPE_SSL with version and client CN sub-TLVs, SNI as authority', () => {
    const h = encodeProxyV2(ep4, {
      version: 'TLSv1.3',
      clientCert: true,
      verified: true,
      clientCn: 'device-7',
      servername: 'mqtt.example.com',
    });
    const d = decodeProxyHeader(h)!;
    expect(d.length).toBe(h.length);
    expect(d.source).toBe('192.168.0.1');
    const authority = d.tlvs.find((t) => t.type === PP2_TYPE_AUTHORITY)!;
    expect(authority.value.toString()).toBe('mqtt.example.com');
    const ssl = d.tlvs.find((t) => t.type === PP2_TYPE_SSL)!.value;
    expect(ssl[0]).toBe(0x03); // PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN
    expect(ssl.readUInt32BE(1)).toBe(0); // verified
    const sub = decodeSubTlvs(ssl.subarray(5));
    expect(sub.get(PP2_SUBTYPE_SSL_VERSION)).toBe('TLSv1.3');
    expect(sub.get(PP2_SUBTYPE_SSL_CN)).toBe('device-7');
  });
  test('an unverified client certificate is flagged and its CN not sent', () => {
    const ssl = decodeProxyHeader(encodeProxyV2(ep4, { clientCert: true, verified: false, clientCn: 'x' }))!.tlvs.find(
      (t) => t.type === PP2_TYPE_SSL,
    )!.value;
    expect(ssl.readUInt32BE(1)).not.toBe(0);
    expect(decodeSubTlvs(ssl.subarray(5)).has(PP2_SUBTYPE_SSL_CN)).toBe(false);
  });
});

function decodeSubTlvs(b: Buffer): Map<number, string> {
  const m = new Map<number, string>();
  for (let off = 0; off < b.length;) {
    const l = b.readUInt16BE(off + 1);
    m.set(b[off], b.toString('utf8', off + 3, off + 3 + l));
    off += 3 + l;
  }
  return m;
}

describe('helpers', () => {
  test.each([
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['2001:db8::ffff:1.2.3.4', '20010db8000000000000ffff01020304'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['fe80::1%eth0', 'fe800000000000000000000000000001'],
  ])('ipv6Bytes(%s)', (ip, bytes) => {
    expect(ipv6Bytes(ip).toString('hex')).toBe(bytes);
  });
  test('looksLikeProxyHeader', () => {
    expect(looksLikeProxyHeader(Buffer.from('PROXY TCP4 '))).toBe(true);
    expect(looksLikeProxyHeader(encodeProxyV2(ep4))).toBe(true);
    expect(looksLikeProxyHeader(Buffer.from('100c00044d51', 'hex'))).toBe(false);
  });
});
