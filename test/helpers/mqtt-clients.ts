/**
 * Test support: MQTT.js clients that record what they receive, raw MQTT/PROXY bytes, and small HTTP helpers.
 */
import { Socket } from 'node:net';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { waitFor, withTimeout } from '../../harness/util/wait.js';

export interface Received {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

export interface TestClient {
  client: MqttClient;
  received: Received[];
  /** Resolves with CONNACK's sessionPresent. */
  connected: Promise<boolean>;
  closed: () => boolean;
}

const opened: MqttClient[] = [];

/** Connects an MQTT 3.1.1 client that records every message (collector attached before CONNECT). */
export function openClient(host: string, port: number, opts: IClientOptions = {}): TestClient {
  const client = connect({
    host,
    port,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...opts,
  });
  opened.push(client);
  const received: Received[] = [];
  let isClosed = false;
  client.on('message', function onTestMessage(topic, payload, packet) {
    received.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain });
  });
  client.on('close', () => (isClosed = true));
  client.on('error', () => undefined); // P10: MQTT.js may emit late errors
  const connected = withTimeout(
    new Promise<boolean>((resolve, reject) => {
      client.once('connect', (connack) => resolve(connack.sessionPresent));
      client.once('close', () => reject(new Error(`connection to ${host}:${port} closed before CONNACK`)));
    }),
    6000,
    `CONNACK from ${host}:${port}`,
  );
  return { client, received, connected, closed: () => isClosed };
}

export async function openConnected(host: string, port: number, opts: IClientOptions = {}): Promise<TestClient> {
  const c = openClient(host, port, opts);
  await c.connected;
  return c;
}

/** Force-closes every client opened through this module. */
export function closeAllClients(): void {
  for (const c of opened.splice(0)) c.end(true);
}

export function waitForMessages(c: TestClient, count: number, what: string, timeoutMs = 5000): Promise<Received[]> {
  return waitFor(() => (c.received.length >= count ? c.received : undefined), { timeoutMs, what });
}

/** An MQTT 3.1.1 CONNECT packet (clean session, keepalive 60 s) built by hand. */
export function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c]);
  const payload = Buffer.concat([Buffer.from([id.length >> 8, id.length & 0xff]), id]);
  const remaining = variable.length + payload.length;
  if (remaining > 127) throw new Error('client id too long for this helper');
  return Buffer.concat([Buffer.from([0x10, remaining]), variable, payload]);
}

export const CONNACK_ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00]);

/** PROXY protocol v2 header, PROXY command, TCP over IPv4. */
export function proxyV2Header(src: string, srcPort: number, dst: string, dstPort: number): Buffer {
  const signature = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
  const addresses = Buffer.alloc(12);
  Buffer.from(src.split('.').map(Number)).copy(addresses, 0);
  Buffer.from(dst.split('.').map(Number)).copy(addresses, 4);
  addresses.writeUInt16BE(srcPort, 8);
  addresses.writeUInt16BE(dstPort, 10);
  return Buffer.concat([signature, Buffer.from([0x21, 0x11, 0x00, 12]), addresses]);
}

export function proxyV1Header(src: string, srcPort: number, dst: string, dstPort: number): Buffer {
  return Buffer.from(`PROXY TCP4 ${src} ${dst} ${srcPort} ${dstPort}\r\n`, 'latin1');
}

export interface RawExchange {
  /** Bytes the server sent before it closed or the deadline passed. */
  reply: Buffer;
  closedByServer: boolean;
  socket: Socket;
}

/** Writes `bytes` in one segment and collects the reply until `until(reply)` holds, the server closes, or timeoutMs. */
export function rawExchange(
  host: string,
  port: number,
  bytes: Buffer,
  until: (reply: Buffer) => boolean,
  timeoutMs = 3000,
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = Buffer.alloc(0);
    let settled = false;
    const finish = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ reply, closedByServer, socket });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (d: Buffer) => {
      reply = Buffer.concat([reply, d]);
      if (until(reply)) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.connect(port, host, () => socket.write(bytes));
  });
}

export async function httpJson<T = unknown>(
  base: { host: string; port: number },
  path: string,
  method = 'GET',
): Promise<{ status: number; body: T; type: string }> {
  const res = await fetch(`http://${base.host}:${base.port}${path}`, { method, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: (type.includes('json') && text ? JSON.parse(text) : text) as T, type };
}
