/** A growable bit set over sequence numbers 0…n, with a base64 form for carrying ledgers between processes. */

export class Bitset {
  constructor(private bytes = new Uint8Array(16)) {}

  set(i: number): boolean {
    const byte = i >> 3;
    if (byte >= this.bytes.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bytes.length * 2));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    const mask = 1 << (i & 7);
    const was = (this.bytes[byte]! & mask) !== 0;
    this.bytes[byte]! |= mask;
    return was;
  }

  has(i: number): boolean {
    const byte = i >> 3;
    return byte < this.bytes.length && (this.bytes[byte]! & (1 << (i & 7))) !== 0;
  }

  /** Set bits below `limit` (all when omitted). */
  count(limit = this.bytes.length * 8): number {
    let n = 0;
    const full = Math.min(this.bytes.length, limit >> 3);
    for (let b = 0; b < full; b++) n += POPCOUNT[this.bytes[b]!]!;
    for (let i = full * 8; i < Math.min(limit, this.bytes.length * 8); i++) if (this.has(i)) n++;
    return n;
  }

  encode(): string {
    let end = this.bytes.length;
    while (end > 0 && this.bytes[end - 1] === 0) end--;
    return Buffer.from(this.bytes.subarray(0, end)).toString('base64');
  }

  static decode(s: string): Bitset {
    const b = Buffer.from(s, 'base64');
    return new Bitset(new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)));
  }
}

const POPCOUNT = Array.from({ length: 256 }, (_, v) => {
  let n = 0;
  for (let x = v; x; x >>= 1) n += x & 1;
  return n;
});
