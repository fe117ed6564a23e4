/** An independent PROXY v1/v2 header decoder for tests (fake brokers read what TS-proxy sends). */
const SIG = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

export interface DecodedProxy {
  version: 1 | 2;
  command: 'PROXY' | 'LOCAL' | 'UNKNOWN';
  family: string;
  source?: string;
  dest?: string;
  sourcePort?: number;
  destPort?: number;
  tlvs: { type: number; value: Buffer }[];
  length: number;
}

function ip6(b: Buffer): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i).toString(16));
  return words.join(':');
}

/** Decodes a header at the start of `buf`; undefined while incomplete; throws when malformed. */
export function decodeProxyHeader(buf: Buffer): DecodedProxy | undefined {
  if (buf.length >= 12 && buf.subarray(0, 12).equals(SIG)) {
    if (buf.length < 16) return undefined;
    const len = buf.readUInt16BE(14);
    if (buf.length < 16 + len) return undefined;
    const cmd = buf[12] & 0x0f;
    const fam = buf[13];
    const body = buf.subarray(16, 16 + len);
    const out: DecodedProxy = {
      version: 2,
      command: cmd === 0 ? 'LOCAL' : 'PROXY',
      family: fam.toString(16),
      tlvs: [],
      length: 16 + len,
    };
    let off = 0;
    if (fam === 0x11) {
      out.source = [...body.subarray(0, 4)].join('.');
      out.dest = [...body.subarray(4, 8)].join('.');
      out.sourcePort = body.readUInt16BE(8);
      out.destPort = body.readUInt16BE(10);
      off = 12;
    } else if (fam === 0x21) {
      out.source = ip6(body.subarray(0, 16));
      out.dest = ip6(body.subarray(16, 32));
      out.sourcePort = body.readUInt16BE(32);
      out.destPort = body.readUInt16BE(34);
      off = 36;
    }
    while (off < body.length) {
      const type = body[off];
      const l = body.readUInt16BE(off + 1);
      out.tlvs.push({ type, value: body.subarray(off + 3, off + 3 + l) });
      off += 3 + l;
    }
    return out;
  }
  const end = buf.indexOf('\r\n');
  if (end < 0) {
    if (buf.length >= 107) throw new Error('v1 header too long');
    return undefined;
  }
  const parts = buf.toString('latin1', 0, end).split(' ');
  if (parts[0] !== 'PROXY') throw new Error(`not a PROXY header: ${JSON.stringify(buf.toString('latin1', 0, 20))}`);
  if (parts[1] === 'UNKNOWN') return { version: 1, command: 'UNKNOWN', family: 'UNKNOWN', tlvs: [], length: end + 2 };
  return {
    version: 1,
    command: 'PROXY',
    family: parts[1],
    source: parts[2],
    dest: parts[3],
    sourcePort: Number(parts[4]),
    destPort: Number(parts[5]),
    tlvs: [],
    length: end + 2,
  };
}
