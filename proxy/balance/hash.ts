/**
 * 32-bit MurmurHash3 over strings (UTF-16 code units) and bytes, plus a 2-input mixer.
 * Deterministic across processes and restarts, which is what stickiness needs.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function murmur3Bytes(buf: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const n = buf.length;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    h = mixH(h, buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
  }
  const rest = n & 3;
  if (rest > 0) {
    let k = buf[blocks];
    if (rest > 1) k ^= buf[blocks + 1] << 8;
    if (rest > 2) k ^= buf[blocks + 2] << 16;
    h ^= mixK(k);
  }
  return fmix32(h ^ n);
}

export function murmur3String(text: string, seed = 0): number {
  let h = seed | 0;
  const n = text.length;
  const pairs = n & ~1;
  for (let i = 0; i < pairs; i += 2) h = mixH(h, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
  if (n & 1) h ^= mixK(text.charCodeAt(n - 1));
  return fmix32(h ^ n);
}

/** Hash of two 32-bit values (rendezvous scores). */
export function combine32(a: number, b: number): number {
  return fmix32(mixH(a, b) ^ 8);
}
