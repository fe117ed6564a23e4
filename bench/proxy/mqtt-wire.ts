/**
 * Just enough MQTT 3.1.1 on the wire for the bench load generator: packet builders and a streaming
 * reader of the packets a subscriber receives. Hand-built so the generator spends little CPU of its own
 * (the balancers and the broker share two cores with it).
 */

function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function utf8Field(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/** CONNECT, clean session, keepalive 0 (no PINGREQs: idle connections stay silent). */
export function connectPacket(clientId: string): Buffer {
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00]);
  const body = Buffer.concat([variable, utf8Field(clientId)]);
  return Buffer.concat([Buffer.from([0x10, ...remainingLength(body.length)]), body]);
}

export function subscribePacket(topic: string, packetId = 1): Buffer {
  const body = Buffer.concat([Buffer.from([packetId >> 8, packetId & 0xff]), utf8Field(topic), Buffer.from([0x00])]);
  return Buffer.concat([Buffer.from([0x82, ...remainingLength(body.length)]), body]);
}

export const DISCONNECT = Buffer.from([0xe0, 0x00]);
export const CONNACK_TYPE = 0x20;
export const SUBACK_TYPE = 0x90;
export const PUBLISH_TYPE = 0x30;

/**
 * A QoS 0 PUBLISH of `payloadSize` bytes whose payload starts at `payloadOffset`; the caller may write a
 * timestamp there (stampPublish) before each send.
 */
export interface PublishTemplate {
  packet: Buffer;
  payloadOffset: number;
}

export function publishTemplate(topic: string, payloadSize: number): PublishTemplate {
  if (payloadSize < 12) throw new Error('payload must hold an 8-byte timestamp and a 4-byte sequence number');
  const topicField = utf8Field(topic);
  const header = Buffer.from([0x30, ...remainingLength(topicField.length + payloadSize)]);
  const packet = Buffer.alloc(header.length + topicField.length + payloadSize, 0x61);
  header.copy(packet, 0);
  topicField.copy(packet, header.length);
  return { packet, payloadOffset: header.length + topicField.length };
}

/** A fresh copy of the template with `stampMs` (performance.now()) and `seq` in the first payload bytes. */
export function stampedPublish(t: PublishTemplate, stampMs: number, seq = 0): Buffer {
  const b = Buffer.allocUnsafe(t.packet.length);
  t.packet.copy(b);
  b.writeDoubleLE(stampMs, t.payloadOffset);
  b.writeUInt32LE(seq, t.payloadOffset + 8);
  return b;
}

/** The payload's timestamp and sequence number as stampedPublish wrote them (NaN / -1 when too short). */
export function readStamp(packet: Buffer, payloadAt: number, end: number): { stampMs: number; seq: number } {
  return {
    stampMs: payloadAt + 8 <= end ? packet.readDoubleLE(payloadAt) : NaN,
    seq: payloadAt + 12 <= end ? packet.readUInt32LE(payloadAt + 8) : -1,
  };
}

/** Called per PUBLISH received with the buffer holding it and where its payload starts and ends. */
export type OnPublish = (packet: Buffer, payloadAt: number, end: number) => void;
export type OnControl = (type: number) => void;

/**
 * Reads a byte stream into packets without copying whole chunks: only a packet split across chunks is
 * stitched. PUBLISH (QoS 0) → onPublish(buffer, payload start, end); anything else → onControl(type nibble << 4).
 */
export class PacketReader {
  private pending: Buffer | null = null;

  constructor(
    private readonly onPublish: OnPublish,
    private readonly onControl: OnControl,
  ) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let pos = 0;
    const end = buf.length;
    while (pos < end) {
      const start = pos;
      if (end - pos < 2) break;
      const first = buf[pos]!;
      let len = 0;
      let mult = 1;
      let i = pos + 1;
      let complete = false;
      for (let n = 0; n < 4 && i < end; n++) {
        const byte = buf[i++]!;
        len += (byte & 0x7f) * mult;
        mult *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || i + len > end) {
        pos = start;
        break;
      }
      const type = first & 0xf0;
      if (type === PUBLISH_TYPE) {
        const topicLen = (buf[i]! << 8) | buf[i + 1]!;
        const payloadAt = i + 2 + topicLen + ((first & 0x06) !== 0 ? 2 : 0);
        this.onPublish(buf, payloadAt, i + len);
      } else {
        this.onControl(type);
      }
      pos = i + len;
    }
    if (pos < end) this.pending = Buffer.from(buf.subarray(pos));
  }
}
