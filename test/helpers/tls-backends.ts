/**
 * Test fixtures behind the balancer: a small aedes MQTT broker and a Node TLS server, both on 127.0.0.1:0.
 */
import { Aedes } from 'aedes';
import net from 'node:net';
import tls from 'node:tls';

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', function onConnection(s: net.Socket) {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** An in-process aedes broker on a plain TCP port. */
export async function startAedes(): Promise<RunningServer & { broker: Aedes }> {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  const sockets = track(server);
  const port = await listen(server);
  return {
    port,
    broker,
    async close() {
      await closeServer(server, sockets);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/** A Node TLS server that echoes what it gets (secureConnection sockets only). */
export async function startTlsEcho(
  options: tls.TlsOptions,
): Promise<RunningServer & { server: tls.Server; clientErrors: string[] }> {
  const clientErrors: string[] = [];
  const server = tls.createServer(options, function onSecureConnection(socket) {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  server.on('tlsClientError', function onTlsClientError(err: NodeJS.ErrnoException) {
    clientErrors.push(err.code ?? err.message);
  });
  const sockets = track(server);
  const port = await listen(server);
  return { port, server, clientErrors, close: () => closeServer(server, sockets) };
}

/**
 * A TLS server that judges the client certificate after the handshake, as NGINX's `ssl_verify_client on` does: the
 * handshake completes (TLS 1.3 tickets included), then an unverified client is closed without an alert; a verified
 * one gets a CONNACK (accepted) for whatever it sends.
 */
export async function startVerifyAfterHandshake(options: tls.TlsOptions): Promise<RunningServer> {
  const server = tls.createServer(
    { ...options, requestCert: true, rejectUnauthorized: false },
    function onSecureConnection(socket) {
      socket.on('error', () => socket.destroy());
      if (!socket.authorized) return void socket.end();
      socket.once('data', function onConnect() {
        socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
      });
    },
  );
  const sockets = track(server);
  const port = await listen(server);
  return { port, close: () => closeServer(server, sockets) };
}

/** A TCP server that accepts and never answers (for handshake timeouts), or answers with plain bytes. */
export async function startSilent(reply?: Buffer): Promise<RunningServer> {
  const server = net.createServer(function onConnection(socket) {
    socket.on('error', () => socket.destroy());
    if (reply) socket.end(reply);
  });
  const sockets = track(server);
  const port = await listen(server);
  return { port, close: () => closeServer(server, sockets) };
}
