import { describe, expect, test } from '@jest/globals';
import { Socket } from 'node:net';
import { createSafeProxyDecoder, proxyHeaderLength } from './proxy-header.js';

const V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
const CONNECT = Buffer.from('100c00044d5154540402003c0000', 'hex');

/** A PROXY v2 PROXY/TCP4 header as HAProxy sends it, with optional TLVs. */
function v2Header(tlvs: Buffer = Buffer.alloc(0)): Buffer {
  const body = Buffer.concat([Buffer.from([127, 0, 0, 5, 127, 0, 0, 6, 0x30, 0x39, 0x07, 0x5b]), tlvs]);
  return Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, body.length >> 8, body.length & 255]), body]);
}

describe('PROXY header decoding', () => {
  test('v2 with TLVs (send-proxy-v2-ssl-cn): the source address is taken and the MQTT bytes start after the TLVs', () => {
    // PP2_TYPE_SSL (0x20): client flags, verify result, and a PP2_SUBTYPE_SSL_CN (0x22) "AB".
    const ssl = Buffer.from([0x20, 0x00, 0x0a, 0x01, 0, 0, 0, 0, 0x22, 0x00, 0x02, 0x41, 0x42]);
    const header = v2Header(ssl);
    const rejected: string[] = [];
    const decode = createSafeProxyDecoder({ onRejected: (_remote, reason) => void rejected.push(reason) });
    const details = decode(new Socket(), Buffer.concat([header, CONNECT]));
    expect(proxyHeaderLength(Buffer.concat([header, CONNECT]))).toBe(header.length);
    expect({ proxy: details.isProxy, ip: details.ipAddress, data: details.data?.toString('hex'), rejected }).toEqual({
      proxy: 2,
      ip: '127.0.0.5',
      data: CONNECT.toString('hex'),
      rejected: [],
    });
  });

  test('v2 without TLVs, and no header at all, as before', () => {
    const decode = createSafeProxyDecoder({ onRejected: () => undefined });
    expect(decode(new Socket(), Buffer.concat([v2Header(), CONNECT])).data?.toString('hex')).toBe(
      CONNECT.toString('hex'),
    );
    // no header: no data of its own, the listener uses the bytes as they came
    expect(decode(new Socket(), CONNECT)).toMatchObject({ isProxy: 0 });
    expect(decode(new Socket(), CONNECT).data).toBeUndefined();
  });
});
