/** MQTT.js clients and small raw TCP servers for integration tests. */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import net from 'node:net';

export async function mqttConnect(port: number, opts: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    keepalive: 0,
    ...opts,
  });
}

export async function endAll(clients: MqttClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
}

/** A TCP server whose connection handler is supplied by the test; tracks sockets for cleanup. */
export interface RawServer {
  port: number;
  address: string;
  sockets: Set<net.Socket>;
  accepted: number;
  close(): Promise<void>;
}

export function rawServer(onSocket: (s: net.Socket) => void, opts: net.ServerOpts = {}): Promise<RawServer> {
  return new Promise((resolve) => {
    const sockets = new Set<net.Socket>();
    const state = { accepted: 0 };
    const server = net.createServer(opts, (s) => {
      state.accepted++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
      onSocket(s);
      if (s.listenerCount('data') === 0 && !s.isPaused()) s.resume();
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        address: `127.0.0.1:${port}`,
        sockets,
        get accepted() {
          return state.accepted;
        },
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Reads from a socket until `n` bytes (or close). */
export function readBytes(s: net.Socket, n: number, timeoutMs = 5_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let len = 0;
    const timer = setTimeout(() => reject(new Error(`got ${len} of ${n} bytes`)), timeoutMs);
    const onData = (c: Buffer) => {
      chunks.push(c);
      len += c.length;
      if (len >= n) done();
    };
    const done = () => {
      clearTimeout(timer);
      s.removeListener('data', onData);
      s.removeListener('close', done);
      resolve(Buffer.concat(chunks));
    };
    s.on('data', onData);
    s.on('close', done);
  });
}
