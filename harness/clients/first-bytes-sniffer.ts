/**
 * Keeps the first bytes a client's stream receives (beside MQTT.js's own reader), so a failed connect can say
 * what the server answered instead of CONNACK.
 */
import type { Duplex } from 'node:stream';
import { classifyFirstBytes, type FirstBytes } from './first-bytes.js';

/** Enough for an HTTP status line, a TLS record header with its alert, or a PROXY header. */
const KEEP_BYTES = 256;

export class FirstBytesSniffer {
  private chunks: Buffer[] = [];
  private kept = 0;

  constructor(private readonly stream: Duplex) {
    stream.on('data', this.onData);
  }

  /** Named handler: collects up to KEEP_BYTES, then stops listening. */
  private readonly onData = (chunk: Buffer | string): void => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    this.chunks.push(buf);
    this.kept += buf.length;
    if (this.kept >= KEEP_BYTES) this.stop();
  };

  stop(): void {
    this.stream.off('data', this.onData);
  }

  get received(): number {
    return this.kept;
  }

  /** Classification of what arrived, or undefined when nothing did. */
  result(): FirstBytes | undefined {
    return this.kept ? classifyFirstBytes(Buffer.concat(this.chunks).subarray(0, KEEP_BYTES)) : undefined;
  }
}
