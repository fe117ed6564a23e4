/** Real MQTT brokers (aedes) on 127.0.0.1:0 that can be killed and restarted on the same port. */
import { Aedes } from 'aedes';
import net from 'node:net';

export interface TestBroker {
  name: string;
  port: number;
  address: string;
  broker: Aedes;
  /** Client ids connected right now. */
  clientIds(): string[];
  /** Destroys every connection and stops listening (a crashed node). */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startBroker(name: string): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<net.Socket>();
  const connected = new Map<string, number>();
  broker.on('client', (c) => connected.set(c.id, (connected.get(c.id) ?? 0) + 1));
  broker.on('clientDisconnect', (c) => {
    const n = (connected.get(c.id) ?? 0) - 1;
    if (n > 0) connected.set(c.id, n);
    else connected.delete(c.id);
  });
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        broker.handle(socket);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  await listen();
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  return {
    name,
    get port() {
      return port;
    },
    get address() {
      return `127.0.0.1:${port}`;
    },
    broker,
    clientIds: () => [...connected.keys()],
    kill: stopListening,
    restart: listen,
    close: async () => {
      await stopListening();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
