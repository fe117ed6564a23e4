/**
 * Reads an MQTT CONNECT (3.1, 3.1.1, 5.0) from the first bytes of a connection, without copying.
 *
 * The whole packet is validated when it fits in `maxBytes`; a larger packet (a big will payload) is
 * validated up to and including the client identifier, which is all the balancer needs.
 * `incomplete` carries the total byte count worth waiting for before calling again.
 */
import { isUtf8 } from 'node:buffer';

export interface MqttConnectInfo {
  protocolName: 'MQTT' | 'MQIsdp';
  protocolLevel: 3 | 4 | 5;
  /** Client identifier as raw UTF-8 bytes (a view into the input buffer, no copy). */
  clientIdBytes: Buffer;
  keepAlive: number;
  cleanStart: boolean;
  hasWill: boolean;
  hasUsername: boolean;
  hasPassword: boolean;
  /** Fixed header + remaining length. */
  packetLength: number;
  /** True when the whole packet was present and validated. */
  complete: boolean;
}

export type ConnectReadResult =
  | { status: 'ok'; info: MqttConnectInfo }
  | { status: 'incomplete'; need: number }
  | { status: 'invalid'; reason: string };

export const DEFAULT_MAX_INSPECT_BYTES = 65_536;
const CONNECT = 0x10;
const MAX_REMAINING_LENGTH = 268_435_455;

class Incomplete {
  constructor(readonly need: number) {}
}
class Invalid {
  constructor(readonly reason: string) {}
}

/** Byte cursor over `buf` bounded by the packet end; throws Incomplete/Invalid. */
class Cursor {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new Invalid(`${what} runs past the end of the packet`);
    if (this.pos + n > this.buf.length) throw new Incomplete(this.pos + n);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  binary(what: string): Buffer {
    return this.bytes(this.u16(`${what} length`), what);
  }
  utf8(what: string): Buffer {
    const b = this.binary(what);
    if (b.includes(0) || !isUtf8(b)) throw new Invalid(`${what} is not valid UTF-8`);
    return b;
  }
  varint(what: string): number {
    let value = 0;
    for (let i = 0, mult = 1; i < 4; i++, mult *= 128) {
      const byte = this.u8(what);
      value += (byte & 0x7f) * mult;
      if ((byte & 0x80) === 0) return value;
    }
    throw new Invalid(`${what} is longer than 4 bytes`);
  }
}

export function readMqttConnect(buf: Buffer, maxBytes = DEFAULT_MAX_INSPECT_BYTES): ConnectReadResult {
  try {
    return { status: 'ok', info: parse(buf, maxBytes) };
  } catch (e) {
    if (e instanceof Incomplete) return { status: 'incomplete', need: e.need };
    if (e instanceof Invalid) return { status: 'invalid', reason: e.reason };
    throw e;
  }
}

function parse(buf: Buffer, maxBytes: number): MqttConnectInfo {
  if (buf.length < 1) throw new Incomplete(2);
  if (buf[0] !== CONNECT)
    throw new Invalid(`first packet is not a CONNECT (byte 0x${buf[0].toString(16).padStart(2, '0')})`);
  const head = new Cursor(buf, 1, 5);
  const remaining = head.varint('remaining length');
  if (remaining > MAX_REMAINING_LENGTH) throw new Invalid('remaining length too large');
  const packetLength = head.pos + remaining;
  const c = new Cursor(buf, head.pos, packetLength);

  const name = c.utf8('protocol name').toString('latin1');
  const level = c.u8('protocol level');
  if (!((name === 'MQTT' && (level === 4 || level === 5)) || (name === 'MQIsdp' && level === 3))) {
    throw new Invalid(`unsupported protocol ${JSON.stringify(name)} level ${level}`);
  }
  const flags = c.u8('connect flags');
  if (flags & 0x01) throw new Invalid('reserved connect flag is set');
  const hasWill = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const willRetain = (flags & 0x20) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  const hasUsername = (flags & 0x80) !== 0;
  if (willQos === 3) throw new Invalid('will QoS is 3');
  if (!hasWill && (willQos !== 0 || willRetain)) throw new Invalid('will QoS/retain set without the will flag');
  if (level !== 5 && hasPassword && !hasUsername) throw new Invalid('password flag without username flag');
  const keepAlive = c.u16('keep alive');
  if (level === 5) readProperties(c, 'CONNECT properties', CONNECT_PROPERTIES);
  const clientIdBytes = c.utf8('client identifier');

  const info: MqttConnectInfo = {
    protocolName: name as MqttConnectInfo['protocolName'],
    protocolLevel: level as 3 | 4 | 5,
    clientIdBytes,
    keepAlive,
    cleanStart: (flags & 0x02) !== 0,
    hasWill,
    hasUsername,
    hasPassword,
    packetLength,
    complete: false,
  };
  if (packetLength > maxBytes) return info;

  if (hasWill) {
    if (level === 5) readProperties(c, 'will properties', WILL_PROPERTIES);
    c.utf8('will topic');
    c.binary('will payload');
  }
  if (hasUsername) c.utf8('user name');
  if (hasPassword) c.binary('password');
  if (c.pos !== packetLength) throw new Invalid(`${packetLength - c.pos} unexpected bytes at the end of CONNECT`);
  info.complete = true;
  return info;
}

type PropertyKind = 'u8' | 'u16' | 'u32' | 'varint' | 'utf8' | 'pair' | 'binary';
const CONNECT_PROPERTIES: ReadonlyMap<number, PropertyKind> = new Map<number, PropertyKind>([
  [0x11, 'u32'], // session expiry interval
  [0x15, 'utf8'], // authentication method
  [0x16, 'binary'], // authentication data
  [0x17, 'u8'], // request problem information
  [0x19, 'u8'], // request response information
  [0x21, 'u16'], // receive maximum
  [0x22, 'u16'], // topic alias maximum
  [0x26, 'pair'], // user property
  [0x27, 'u32'], // maximum packet size
]);
const WILL_PROPERTIES: ReadonlyMap<number, PropertyKind> = new Map<number, PropertyKind>([
  [0x01, 'u8'], // payload format indicator
  [0x02, 'u32'], // message expiry interval
  [0x03, 'utf8'], // content type
  [0x08, 'utf8'], // response topic
  [0x09, 'binary'], // correlation data
  [0x18, 'u32'], // will delay interval
  [0x26, 'pair'], // user property
]);

function readProperties(c: Cursor, what: string, allowed: ReadonlyMap<number, PropertyKind>): void {
  const length = c.varint(`${what} length`);
  const end = c.pos + length;
  if (end > c.end) throw new Invalid(`${what} run past the end of the packet`);
  const p = new Cursor(c.buf, c.pos, end);
  while (p.pos < end) {
    const id = p.varint('property identifier');
    const kind = allowed.get(id);
    if (!kind) throw new Invalid(`property 0x${id.toString(16)} is not allowed in ${what}`);
    if (kind === 'u8') p.u8(what);
    else if (kind === 'u16') p.u16(what);
    else if (kind === 'u32') p.u32(what);
    else if (kind === 'varint') p.varint(what);
    else if (kind === 'utf8') p.utf8(what);
    else if (kind === 'binary') p.binary(what);
    else {
      p.utf8(`${what} user property name`);
      p.utf8(`${what} user property value`);
    }
  }
  c.pos = end;
}
