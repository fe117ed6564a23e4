/**
 * MQTT/TCP (optionally PROXY-aware) and MQTT/TLS listeners for one broker, plus a listen helper
 * that turns EADDRINUSE & co. into one clear error naming the address.
 */
import { readFileSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import type { Aedes } from 'aedes';
import { createServer } from 'aedes-server-factory';
import { createSafeProxyDecoder } from './proxy-header.js';
import type { TlsArgs } from './args.js';
import type { Logger } from './log.js';

export class ListenError extends Error {
  constructor(what: string, host: string, port: number, cause: Error) {
    const code = (cause as NodeJS.ErrnoException).code ?? cause.message;
    super(`cannot listen on ${host}:${port} (${what}): ${code}`);
    this.name = 'ListenError';
  }
}

/**
 * TCP_NODELAY on an accepted socket, as EMQX sets by default (`tcp_options.nodelay = true`): without it the broker's
 * small writes wait for Nagle's algorithm, ~10 ms per message at 1k msg/s, which would bury what a balancer adds.
 */
function onAcceptNoDelay(socket: Socket): void {
  socket.setNoDelay(true);
}

function withNoDelay(server: Server, noDelay: boolean): Server {
  if (noDelay) server.prependListener('connection', onAcceptNoDelay);
  return server;
}

export function createMqttServer(broker: Aedes, trustProxy: boolean, log: Logger, noDelay = true): Server {
  const protocolDecoder = createSafeProxyDecoder({
    onRejected(remote, reason) {
      log.event('proxy.rejected', { remote, reason });
    },
  });
  return withNoDelay(createServer(broker, { trustProxy, protocolDecoder }) as Server, noDelay);
}

/** MQTT over TLS (no PROXY header support: the header would precede the TLS handshake). */
export function createTlsServer(broker: Aedes, tls: TlsArgs, noDelay = true): Server {
  const options = {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
  };
  return withNoDelay(createServer(broker, { tls: options }) as Server, noDelay);
}

/** Listens and resolves with the bound port; rejects with ListenError. */
export function listen(server: Server, what: string, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onListenError = (err: Error): void => {
      server.removeListener('listening', onListening);
      reject(new ListenError(what, host, port, err));
    };
    const onListening = (): void => {
      server.removeListener('error', onListenError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onListenError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops accepting; resolves when closed or after `timeoutMs`. */
export function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    server.close(function onServerClosed() {
      clearTimeout(timer);
      resolve();
    });
  });
}
