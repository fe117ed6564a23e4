/**
 * Accumulates the first bytes of a connection until the MQTT CONNECT can be read.
 * Re-parses only once enough bytes arrived for the next field (no quadratic work on 1-byte chunks),
 * and gives up past `maxBytes`.
 */
import { looksLikeProxyHeader } from '../proxy-protocol.js';
import { DEFAULT_MAX_INSPECT_BYTES, readMqttConnect, type MqttConnectInfo } from './connect-reader.js';

export type InspectOutcome =
  | { status: 'incomplete' }
  | { status: 'invalid'; reason: string }
  | { status: 'ok'; info: MqttConnectInfo; bytes: Buffer };

const INCOMPLETE: InspectOutcome = { status: 'incomplete' };

export class ConnectInspector {
  private chunks: Buffer[] = [];
  private length = 0;
  private need = 1;

  constructor(private readonly maxBytes = DEFAULT_MAX_INSPECT_BYTES) {}

  /** Bytes received so far, as one buffer. */
  bytes(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  push(chunk: Buffer): InspectOutcome {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length < this.need) return INCOMPLETE;
    const buf = this.bytes();
    const r = readMqttConnect(buf, this.maxBytes);
    if (r.status === 'ok') return { status: 'ok', info: r.info, bytes: buf };
    if (r.status === 'invalid') {
      return {
        status: 'invalid',
        reason: looksLikeProxyHeader(buf) ? 'unexpected PROXY protocol header from the client' : r.reason,
      };
    }
    if (buf.length >= this.maxBytes)
      return { status: 'invalid', reason: `no complete CONNECT in the first ${this.maxBytes} bytes` };
    this.need = Math.min(r.need, this.maxBytes);
    return INCOMPLETE;
  }
}
