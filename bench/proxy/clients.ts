/**
 * Raw MQTT connections for the bench: connect → CONNACK, optional SUBSCRIBE → SUBACK, then a stream of
 * received PUBLISH timestamps. Every wait has a deadline.
 */
import net from 'node:net';
import { withTimeout } from '../../harness/util/wait.js';
import {
  CONNACK_TYPE,
  connectPacket,
  DISCONNECT,
  PacketReader,
  SUBACK_TYPE,
  subscribePacket,
  type OnPublish,
} from './mqtt-wire.js';

export interface Endpoint {
  host: string;
  port: number;
}

let clientSeq = 0;
export function nextClientId(prefix: string): string {
  return `${prefix}-${process.pid}-${++clientSeq}`;
}

export class MqttConn {
  readonly socket: net.Socket;
  private readonly reader: PacketReader;
  private waiting: { type: number; resolve: () => void } | null = null;
  private failed: Error | null = null;
  /** Called with each received PUBLISH (see PacketReader). */
  onPublish: OnPublish = () => undefined;

  private constructor(ep: Endpoint) {
    this.socket = net.connect({ host: ep.host, port: ep.port, noDelay: true });
    this.reader = new PacketReader(
      (packet, payloadAt, end) => this.onPublish(packet, payloadAt, end),
      (type) => this.control(type),
    );
    this.socket.on('data', (chunk: Buffer) => this.reader.push(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** TCP connect + CONNECT → CONNACK within timeoutMs. */
  static async open(ep: Endpoint, clientId: string, timeoutMs = 5000): Promise<MqttConn> {
    const c = new MqttConn(ep);
    try {
      c.socket.write(connectPacket(clientId));
      await withTimeout(c.expect(CONNACK_TYPE), timeoutMs, `CONNACK from ${ep.host}:${ep.port}`);
    } catch (err) {
      c.socket.destroy();
      throw err;
    }
    return c;
  }

  async subscribe(topic: string, timeoutMs = 5000): Promise<void> {
    this.socket.write(subscribePacket(topic));
    await withTimeout(this.expect(SUBACK_TYPE), timeoutMs, `SUBACK for ${topic}`);
  }

  /** Writes and resolves once the socket can take more (backpressure). */
  write(packet: Buffer): boolean {
    return this.socket.write(packet);
  }

  drained(timeoutMs: number): Promise<void> {
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return withTimeout(
      new Promise<void>((resolve) => this.socket.once('drain', resolve)),
      timeoutMs,
      'publisher socket drain',
    );
  }

  close(): void {
    if (this.socket.destroyed) return;
    this.socket.end(DISCONNECT);
    this.socket.destroySoon();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private expect(type: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<void>((resolve, reject) => {
      this.waiting = { type, resolve };
      this.socket.once('close', () => reject(this.failed ?? new Error('connection closed')));
    });
  }

  private control(type: number): void {
    if (this.waiting?.type === type) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve();
    }
  }

  private fail(err: Error): void {
    this.failed ??= err;
  }
}

/** Opens `count` connections, `concurrency` at a time; on any failure closes those opened and throws. */
export async function openMany(ep: Endpoint, count: number, concurrency: number, prefix: string): Promise<MqttConn[]> {
  const conns: MqttConn[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      next++;
      conns.push(await MqttConn.open(ep, nextClientId(prefix)));
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } catch (err) {
    for (const c of conns) c.close();
    throw err;
  }
  return conns;
}
