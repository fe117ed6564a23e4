/**
 * PROXY protocol v1/v2 headers sent to servers so brokers see the real client address
 * (https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt).
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface ProxyEndpoints {
  sourceAddress: string;
  sourcePort: number;
  destAddress: string;
  destPort: number;
}

/** TLS facts for the v2 PP2_TYPE_SSL TLV (HAProxy `send-proxy-v2-ssl` / `-ssl-cn`). */
export interface ProxyTlsInfo {
  version?: string;
  cipher?: string;
  /** Common name of the verified client certificate. */
  clientCn?: string;
  /** A client certificate was presented on this connection. */
  clientCert: boolean;
  /** The presented client certificate was verified. */
  verified: boolean;
  /** SNI server name sent by the client. */
  servername?: string;
}

export const PROXY_V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
export const PP2_TYPE_AUTHORITY = 0x02;
export const PP2_TYPE_SSL = 0x20;
export const PP2_SUBTYPE_SSL_VERSION = 0x21;
export const PP2_SUBTYPE_SSL_CN = 0x22;
export const PP2_SUBTYPE_SSL_CIPHER = 0x23;
export const PP2_CLIENT_SSL = 0x01;
export const PP2_CLIENT_CERT_CONN = 0x02;

const V4_MAPPED = '::ffff:';

function unmapped(address: string): string {
  return address.startsWith(V4_MAPPED) && isIPv4(address.slice(V4_MAPPED.length))
    ? address.slice(V4_MAPPED.length)
    : address;
}

/** `PROXY TCP4 <src> <dst> <sport> <dport>\r\n`, or `PROXY UNKNOWN\r\n` when the endpoints are unknown. */
export function encodeProxyV1(ep: ProxyEndpoints | null): Buffer {
  if (!ep) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  let src = unmapped(ep.sourceAddress);
  let dst = unmapped(ep.destAddress);
  let family: string;
  if (isIPv4(src) && isIPv4(dst)) family = 'TCP4';
  else if (isIPv6(src) || isIPv6(dst)) {
    family = 'TCP6';
    if (isIPv4(src)) src = V4_MAPPED + src;
    if (isIPv4(dst)) dst = V4_MAPPED + dst;
    if (!isIPv6(src) || !isIPv6(dst)) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  } else return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  return Buffer.from(`PROXY ${family} ${src} ${dst} ${ep.sourcePort} ${ep.destPort}\r\n`, 'latin1');
}

/** Binary v2 header: PROXY command with TCP over IPv4/IPv6, or LOCAL (health checks) when `ep` is null. */
export function encodeProxyV2(ep: ProxyEndpoints | null, tls?: ProxyTlsInfo): Buffer {
  const tlvs = tls ? encodeTlvs(tls) : EMPTY;
  if (!ep) return header(0x20, 0x00, EMPTY, EMPTY);
  const src = unmapped(ep.sourceAddress);
  const dst = unmapped(ep.destAddress);
  let addr: Buffer;
  let fam: number;
  if (isIPv4(src) && isIPv4(dst)) {
    fam = 0x11;
    addr = Buffer.allocUnsafe(12);
    ipv4Bytes(src).copy(addr, 0);
    ipv4Bytes(dst).copy(addr, 4);
    addr.writeUInt16BE(ep.sourcePort, 8);
    addr.writeUInt16BE(ep.destPort, 10);
  } else if ((isIPv6(src) || isIPv4(src)) && (isIPv6(dst) || isIPv4(dst))) {
    fam = 0x21;
    addr = Buffer.allocUnsafe(36);
    ipv6Bytes(isIPv4(src) ? V4_MAPPED + src : src).copy(addr, 0);
    ipv6Bytes(isIPv4(dst) ? V4_MAPPED + dst : dst).copy(addr, 16);
    addr.writeUInt16BE(ep.sourcePort, 32);
    addr.writeUInt16BE(ep.destPort, 34);
  } else {
    return header(0x21, 0x00, EMPTY, tlvs);
  }
  return header(0x21, fam, addr, tlvs);
}

const EMPTY = Buffer.alloc(0);

function header(verCmd: number, fam: number, addr: Buffer, tlvs: Buffer): Buffer {
  const out = Buffer.allocUnsafe(16 + addr.length + tlvs.length);
  PROXY_V2_SIGNATURE.copy(out, 0);
  out[12] = verCmd;
  out[13] = fam;
  out.writeUInt16BE(addr.length + tlvs.length, 14);
  addr.copy(out, 16);
  tlvs.copy(out, 16 + addr.length);
  return out;
}

function tlv(type: number, value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(3 + value.length);
  out[0] = type;
  out.writeUInt16BE(value.length, 1);
  value.copy(out, 3);
  return out;
}

function encodeTlvs(tls: ProxyTlsInfo): Buffer {
  const parts: Buffer[] = [];
  if (tls.servername) parts.push(tlv(PP2_TYPE_AUTHORITY, Buffer.from(tls.servername, 'utf8')));
  const sub: Buffer[] = [];
  if (tls.version) sub.push(tlv(PP2_SUBTYPE_SSL_VERSION, Buffer.from(tls.version, 'latin1')));
  if (tls.clientCn && tls.verified) sub.push(tlv(PP2_SUBTYPE_SSL_CN, Buffer.from(tls.clientCn, 'utf8')));
  if (tls.cipher) sub.push(tlv(PP2_SUBTYPE_SSL_CIPHER, Buffer.from(tls.cipher, 'latin1')));
  const head = Buffer.allocUnsafe(5);
  head[0] = PP2_CLIENT_SSL | (tls.clientCert ? PP2_CLIENT_CERT_CONN : 0);
  head.writeUInt32BE(tls.clientCert && tls.verified ? 0 : 1, 1);
  parts.push(tlv(PP2_TYPE_SSL, Buffer.concat([head, ...sub])));
  return Buffer.concat(parts);
}

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

/** 16 bytes of an IPv6 literal (handles `::` and an embedded dotted IPv4 tail). */
export function ipv6Bytes(ip: string): Buffer {
  const out = Buffer.alloc(16);
  const zone = ip.indexOf('%');
  let text = zone >= 0 ? ip.slice(0, zone) : ip;
  const words: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let v4: number[] | undefined;
  if (tail.includes('.')) {
    v4 = tail.split('.').map(Number);
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = text.includes('::') ? text.split('::') : [text, undefined];
  const lw = left ? left.split(':').map((h) => parseInt(h, 16)) : [];
  const rw = right !== undefined && right !== '' ? right.split(':').map((h) => parseInt(h, 16)) : [];
  words.push(...lw, ...new Array<number>(8 - lw.length - rw.length).fill(0), ...rw);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(words[i] ?? 0, i * 2);
  if (v4) for (let i = 0; i < 4; i++) out[12 + i] = v4[i];
  return out;
}

/** True when the bytes start like a PROXY v1 or v2 header (a client sending one where none is expected). */
export function looksLikeProxyHeader(buf: Buffer): boolean {
  if (buf.length >= 6 && buf.toString('latin1', 0, 6) === 'PROXY ') return true;
  return buf.length >= 12 && buf.subarray(0, 12).equals(PROXY_V2_SIGNATURE);
}
