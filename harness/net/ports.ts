import net from 'node:net';

/** Resolves true when `host:port` can be bound right now. */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    const onError = (): void => resolve(false);
    const onListening = (): void => {
      server.close(() => resolve(true));
    };
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, onListening);
  });
}

/** A port the kernel considers free on `host` (ephemeral range). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when a TCP connection to host:port succeeds within timeoutMs. */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    const onConnect = (): void => finish(true);
    const onError = (): void => finish(false);
    socket.setTimeout(timeoutMs, onError);
    socket.once('connect', onConnect);
    socket.once('error', onError);
  });
}
