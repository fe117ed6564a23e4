/** Token bucket, source-address pool and MQTT framing of the load engine (pure functions, injected clock). */
import { describe, expect, test } from '@jest/globals';
import { TokenBucket } from './rate.js';
import { addressFor, sourceAddress } from './addresses.js';
import { connectPacket, frameLength, readFrames, subscribePacket } from './wire.js';
import type { Packet } from 'mqtt-packet';

describe('token bucket', () => {
  test('hands out rate × time tokens, at most burst saved up', () => {
    let now = 0;
    const b = new TokenBucket(100, 5, () => now);
    let got = 0;
    for (let i = 0; i < 20; i++) if (b.take() === 0) got++;
    expect(got).toBe(5); // the initial burst
    expect(b.take()).toBeCloseTo(10, 5); // next token in 10 ms at 100/s
    now = 1000;
    got = 0;
    for (let i = 0; i < 200; i++) if (b.take() === 0) got++;
    expect(got).toBe(5); // capped at burst, not 100
    for (let t = 1000; t < 2000; t += 1) {
      now = t;
      while (b.take() === 0) got++;
    }
    expect(got).toBeGreaterThanOrEqual(5 + 99);
    expect(got).toBeLessThanOrEqual(5 + 100);
  });
});

describe('source addresses', () => {
  test('start at 127.100.0.1, skip .0 and .255, never touch 127.0.x.y', () => {
    expect(sourceAddress(0)).toBe('127.100.0.1');
    expect(sourceAddress(253)).toBe('127.100.0.254');
    expect(sourceAddress(254)).toBe('127.100.1.1');
    expect(sourceAddress(254 * 256)).toBe('127.101.0.1');
    expect(addressFor({ offset: 10, size: 3 }, 4)).toBe('127.100.0.12');
    for (let k = 0; k < 5000; k += 7) expect(sourceAddress(k)).not.toMatch(/^127\.0\./);
  });
});

describe('framing', () => {
  test('frames split anywhere across reads decode to the same packets', () => {
    const bytes = Buffer.concat([connectPacket('abc', 0), subscribePacket(7, ['x/+', 'y'], 1), connectPacket('d', 30)]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got: Packet[] = [];
      const rest = readFrames(null, bytes.subarray(0, cut), (p) => got.push(p));
      expect(readFrames(rest, bytes.subarray(cut), (p) => got.push(p))).toBeNull();
      expect(got.map((p) => p.cmd)).toEqual(['connect', 'subscribe', 'connect']);
    }
    expect(frameLength(Buffer.from([0x30]))).toBe(-1);
  });
});
