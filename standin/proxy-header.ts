/**
 * PROXY-protocol decoding for the MQTT/TCP listener (pitfall P2).
 *
 * aedes-protocol-decoder throws on a malformed or fragmented header, inside a 'readable' handler,
 * which would crash the node: we catch that and drop the connection instead. It also leaves
 * headers without addresses (v1 "PROXY UNKNOWN", v2 LOCAL as sent by HAProxy health checks) in
 * the stream, so the MQTT parser chokes on them: we strip those and keep the socket's own address.
 * It also leaves a v2 header's TLVs (e.g. HAProxy's `send-proxy-v2-ssl-cn`: PP2_TYPE_SSL with the client
 * certificate's CN) in front of the MQTT bytes: we cut the data at the header's own length.
 * The header stays optional, as in aedes-server-factory (EMQX would require it).
 */
import type { Stream } from 'node:stream';
import type { Socket } from 'node:net';
import {
  protocolDecoder,
  extractSocketDetails,
  type ConnectionDetails,
  type ProtocolDecoder,
} from 'aedes-protocol-decoder';

const V1_SIGNATURE = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
const V2_FIXED_LENGTH = 16;
const V1_MAX_LENGTH = 107;

function startsWith(buffer: Buffer, prefix: Buffer): boolean {
  return buffer.length >= prefix.length && buffer.subarray(0, prefix.length).equals(prefix);
}

/** Length of a complete PROXY header at the start of `buffer`, 0 when there is no header, -1 when it is cut or malformed. */
export function proxyHeaderLength(buffer: Buffer): number {
  if (startsWith(buffer, V2_SIGNATURE)) {
    if (buffer.length < V2_FIXED_LENGTH) return -1;
    const total = V2_FIXED_LENGTH + buffer.readUInt16BE(14);
    return buffer.length >= total ? total : -1;
  }
  if (startsWith(buffer, V1_SIGNATURE)) {
    const end = buffer.subarray(0, V1_MAX_LENGTH).indexOf('\r\n', 0, 'latin1');
    return end < 0 ? -1 : end + 2;
  }
  return 0;
}

function socketOf(conn: Stream): Socket {
  return ((conn as Stream & { socket?: Socket }).socket ?? conn) as Socket;
}

export interface ProxyDecoderEvents {
  onRejected(remote: string, reason: string): void;
}

/** A ProtocolDecoder that never throws: bad headers close the connection, address-less headers are stripped. */
export function createSafeProxyDecoder(events: ProxyDecoderEvents): ProtocolDecoder {
  return function safeProxyDecoder(conn: Stream, buffer: Buffer, req?: unknown): ConnectionDetails {
    const socket = socketOf(conn);
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const reject = (reason: string): ConnectionDetails => {
      events.onRejected(remote, reason);
      socket.destroy();
      return { ...(extractSocketDetails(socket) ?? emptyDetails()), isProxy: 0, data: Buffer.alloc(0) };
    };
    let details: ConnectionDetails;
    try {
      details = protocolDecoder(conn, buffer, req);
    } catch (err) {
      return reject(`bad PROXY header: ${(err as Error).message}`);
    }
    const headerLength = proxyHeaderLength(buffer);
    if (details.isProxy) return headerLength > 0 ? { ...details, data: buffer.subarray(headerLength) } : details;
    if (headerLength === 0) return details; // plain MQTT, no header
    if (headerLength < 0) return reject('incomplete or malformed PROXY header');
    // A header without source address (v1 UNKNOWN, v2 LOCAL): keep the socket's address.
    return { ...details, data: buffer.subarray(headerLength) };
  };
}

function emptyDetails(): ConnectionDetails {
  return {
    ipAddress: '',
    port: 0,
    ipFamily: 0,
    serverIpAddress: '',
    serverPort: 0,
    isWebsocket: false,
    isProxy: 0,
    isTls: false,
  };
}
