/**
 * The load engine's message payload: send time (epoch ms, sub-ms precision), sequence number and stream id in
 * a small binary header, padded to the planned size, so a receiver anywhere (another agent) can place it in its
 * ledger and latency histogram.
 */

const HEADER = 13; // f64 sent-at ms + u32 seq + u8 stream-id length

export interface PayloadStamp {
  stream: string;
  seq: number;
  sentAtMs: number;
}

/** Epoch milliseconds with sub-millisecond precision (comparable across processes on one machine). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

export function minPayloadBytes(stream: string): number {
  return HEADER + Buffer.byteLength(stream);
}

export function stampPayload(stream: string, seq: number, size: number, sentAtMs = epochMs()): Buffer {
  const id = Buffer.from(stream);
  if (id.length > 255) throw new Error(`stream id too long: ${stream}`);
  const b = Buffer.alloc(Math.max(size, HEADER + id.length), 0x61);
  b.writeDoubleLE(sentAtMs, 0);
  b.writeUInt32LE(seq, 8);
  b.writeUInt8(id.length, 12);
  id.copy(b, HEADER);
  return b;
}

/** The stamp of a payload written by stampPayload; undefined for anything else. */
export function readPayload(b: Buffer): PayloadStamp | undefined {
  if (b.length < HEADER) return undefined;
  const n = b.readUInt8(12);
  if (b.length < HEADER + n || n === 0) return undefined;
  const sentAtMs = b.readDoubleLE(0);
  if (!Number.isFinite(sentAtMs)) return undefined;
  return { sentAtMs, seq: b.readUInt32LE(8), stream: b.toString('utf8', HEADER, HEADER + n) };
}
