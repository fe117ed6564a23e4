/**
 * MQTT 3.1.1 on the wire for the load engine: mqtt-packet generates every packet, and ONE module-level
 * mqtt-packet parser decodes complete frames for every connection (each connection only keeps the bytes of a
 * frame split across reads), so an idle connection holds no parser of its own (see harness/load/README.md).
 */
import mqttPacket from 'mqtt-packet';
import type { Packet } from 'mqtt-packet';

/** Where the shared parser delivers the packet it is decoding; set around each parse() call. */
export type PacketSink = (packet: Packet) => void;

const shared = mqttPacket.parser({ protocolVersion: 4 });
let sink: PacketSink | null = null;
let parseError: Error | null = null;
shared.on('packet', onSharedPacket);
shared.on('error', onSharedError);

function onSharedPacket(packet: Packet): void {
  sink?.(packet);
}

function onSharedError(err: Error): void {
  parseError = err;
}

/**
 * Total length of the frame starting at `buf[0]` (fixed header + remaining length), or -1 when the bytes so
 * far do not hold the whole remaining-length field.
 */
export function frameLength(buf: Buffer): number {
  let len = 0;
  let mult = 1;
  for (let i = 1; i < 5 && i < buf.length; i++) {
    const byte = buf[i]!;
    len += (byte & 0x7f) * mult;
    mult *= 128;
    if ((byte & 0x80) === 0) return i + 1 + len;
  }
  if (buf.length >= 5) throw new Error('malformed remaining length');
  return -1;
}

/**
 * Splits `pending + chunk` into complete frames, decodes each with the shared parser into `to`, and returns
 * the bytes of an incomplete last frame (null when none). Throws on a frame the parser rejects.
 */
export function readFrames(pending: Buffer | null, chunk: Buffer, to: PacketSink): Buffer | null {
  let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
  while (buf.length >= 2) {
    const len = frameLength(buf);
    if (len < 0 || len > buf.length) break;
    sink = to;
    parseError = null;
    try {
      shared.parse(buf.subarray(0, len));
    } finally {
      sink = null;
    }
    if (parseError) throw parseError;
    buf = buf.subarray(len);
  }
  return buf.length ? Buffer.from(buf) : null;
}

/** A will message as CONNECT carries it. */
export interface WillMessage {
  topic: string;
  payload: Buffer;
  qos: WireQos;
  retain: boolean;
}

export type WireQos = 0 | 1 | 2;

export function connectPacket(clientId: string, keepaliveS: number, clean = true, will?: WillMessage): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean,
    clientId,
    keepalive: keepaliveS,
    ...(will ? { will: { topic: will.topic, payload: will.payload, qos: will.qos, retain: will.retain } } : {}),
  });
}

export function subscribePacket(messageId: number, filters: readonly string[], qos: WireQos): Buffer {
  return mqttPacket.generate({
    cmd: 'subscribe',
    messageId,
    subscriptions: filters.map((topic) => ({ topic, qos })),
  });
}

export function publishPacket(topic: string, payload: Buffer, qos: WireQos, messageId: number, dup = false): Buffer {
  return mqttPacket.generate(
    qos === 0
      ? { cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }
      : { cmd: 'publish', topic, payload, qos, messageId, retain: false, dup },
  );
}

/** The same PUBLISH with its DUP flag set (a resend after a reconnect). */
export function withDup(publish: Buffer): Buffer {
  const b = Buffer.from(publish);
  b[0] = b[0]! | 0x08;
  return b;
}

export function pubackPacket(messageId: number): Buffer {
  return mqttPacket.generate({ cmd: 'puback', messageId });
}

/** QoS 2 handshake: PUBREC (receiver), PUBREL (sender), PUBCOMP (receiver). */
export function qos2Packet(cmd: 'pubrec' | 'pubrel' | 'pubcomp', messageId: number): Buffer {
  return mqttPacket.generate({ cmd, messageId });
}

export const PINGREQ = mqttPacket.generate({ cmd: 'pingreq' });
export const DISCONNECT = mqttPacket.generate({ cmd: 'disconnect' });
