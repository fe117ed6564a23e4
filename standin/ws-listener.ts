/**
 * MQTT over WebSocket (EMQX's `ws` listener on 8083 and `wss` on 8084, path `/mqtt`): upgrades on `/mqtt` become aedes
 * connections, anything else gets 404 (other path) or 400 (`/mqtt` without an upgrade) and a `ws.rejected` event.
 *
 * With --trust-proxy the plain ws listener accepts an optional PROXY v1/v2 header before the HTTP request, as EMQX's
 * `listeners.ws.default.proxy_protocol` does. aedes-server-factory cannot do that (its `trustProxy` only reads
 * X-Forwarded-For / X-Real-IP and looks for a PROXY header inside the first WebSocket message), so this listener
 * strips the header itself on a net.Server in front of the HTTP server and also honours X-Forwarded-For. On wss the
 * header would precede the TLS handshake: not supported (as for the MQTT/TLS listener).
 */
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import type { ConnectionDetails } from 'aedes-protocol-decoder';
import wsModule, { type ServerOptions, type WebSocket, type WebSocketServer } from 'ws';
import { createSafeProxyDecoder } from './proxy-header.js';
import type { TlsArgs } from './args.js';
import type { Logger } from './log.js';

/** ws 7 (the version aedes-server-factory installs) as its CommonJS export; its typings are @types/ws 8's. */
const ws7 = wsModule as unknown as {
  Server: new (options: ServerOptions) => WebSocketServer;
  createWebSocketStream(ws: WebSocket): Duplex;
};

/** The WebSocket path EMQX serves MQTT on (`listeners.ws.default.websocket.mqtt_path`). */
export const WS_MQTT_PATH = '/mqtt';

export interface WsListenerOptions {
  trustProxy: boolean;
  log: Logger;
  noDelay?: boolean;
  /** Serve wss (TLS) with this certificate. */
  tls?: TlsArgs;
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function remoteOf(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}

function familyOf(address: string): number {
  return net.isIP(address);
}

/** Client address as EMQX would report it: PROXY header, else X-Forwarded-For (trusted only), else the socket. */
function connDetails(
  socket: Socket,
  req: IncomingMessage,
  proxied: ConnectionDetails | undefined,
  trustProxy: boolean,
  isTls: boolean,
): ConnectionDetails {
  const local = socket.address() as Partial<net.AddressInfo>;
  const base: ConnectionDetails = {
    ipAddress: socket.remoteAddress ?? '',
    port: socket.remotePort ?? 0,
    ipFamily: familyOf(socket.remoteAddress ?? ''),
    serverIpAddress: local.address ?? '',
    serverPort: local.port ?? 0,
    isWebsocket: true,
    isProxy: 0,
    isTls,
  };
  if (proxied?.isProxy) {
    const withoutData: ConnectionDetails = { ...proxied, isWebsocket: true, isTls };
    delete withoutData.data;
    return withoutData;
  }
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first && familyOf(first) ? { ...base, ipAddress: first, ipFamily: familyOf(first) } : base;
}

/**
 * An HTTP(S) server answering WebSocket upgrades on /mqtt with aedes connections. Returns the server to listen on:
 * the HTTP(S) server itself, or (plain ws with trustProxy) a net.Server that strips a PROXY header first.
 */
export function createWsServer(broker: Aedes, opts: WsListenerOptions): Server {
  const { log, trustProxy } = opts;
  const isTls = opts.tls !== undefined;
  const proxiedBy = new WeakMap<Socket, ConnectionDetails>();
  const wss = new ws7.Server({ noServer: true, perMessageDeflate: false, clientTracking: false });
  wss.on('error', function onWsServerError(err: Error) {
    log.event('ws.error', { error: err.message });
  });

  /** Logs the refused upgrade and returns the raw HTTP answer for its socket. */
  const refusal = (socket: Socket, status: number, path: string, reason: string): string => {
    log.event('ws.rejected', { remote: remoteOf(socket), path, status, reason });
    return `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason) + 1}\r\n\r\n${reason}\n`;
  };

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = pathOf(req);
    const [status, reason] =
      path === WS_MQTT_PATH
        ? [400, `MQTT over WebSocket: ${WS_MQTT_PATH} needs a WebSocket upgrade (Upgrade: websocket)`]
        : [404, `not found: MQTT over WebSocket is served on ${WS_MQTT_PATH}`];
    log.event('ws.rejected', { remote: remoteOf(req.socket), path, status, reason });
    res.writeHead(status, { 'Content-Type': 'text/plain', Connection: 'close' });
    res.end(`${reason}\n`);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const sock = socket as Socket;
    const path = pathOf(req);
    if (path !== WS_MQTT_PATH) {
      sock.end(refusal(sock, 404, path, `not found: MQTT over WebSocket is served on ${WS_MQTT_PATH}`));
      return;
    }
    const details = connDetails(sock, req, proxiedBy.get(sock), trustProxy, isTls);
    wss.handleUpgrade(req, sock, head, function onWebSocket(ws: WebSocket) {
      const stream = ws7.createWebSocketStream(ws);
      stream.on('error', function onWsStreamError(err: Error) {
        log.event('ws.stream_error', { remote: remoteOf(sock), error: err.message });
      });
      const request = req as IncomingMessage & { connDetails?: ConnectionDetails };
      request.connDetails = details;
      broker.handle(stream, request);
    });
  }

  const server = opts.tls
    ? https.createServer({
        cert: readFileSync(opts.tls.certFile),
        key: readFileSync(opts.tls.keyFile),
        ...(opts.tls.caFile ? { ca: readFileSync(opts.tls.caFile) } : {}),
      })
    : http.createServer();
  server.on('request', onRequest);
  server.on('upgrade', onUpgrade);
  if (opts.noDelay !== false) server.prependListener('connection', onAcceptNoDelay);
  if (!trustProxy || isTls) return server;
  return proxyFront(server, proxiedBy, log);
}

function onAcceptNoDelay(socket: Socket): void {
  socket.setNoDelay(true);
}

/** A net.Server that reads an optional PROXY header off each connection, then hands the socket to `http`. */
function proxyFront(httpServer: http.Server, proxiedBy: WeakMap<Socket, ConnectionDetails>, log: Logger): Server {
  const decode = createSafeProxyDecoder({
    onRejected(remote, reason) {
      log.event('proxy.rejected', { remote, reason, listener: 'ws' });
    },
  });
  const front = net.createServer(function onFrontConnection(socket: Socket) {
    const onReadable = (): void => {
      const buffer = socket.read() as Buffer | null;
      if (!buffer) return;
      socket.removeListener('readable', onReadable);
      socket.removeListener('error', onEarlyError);
      const details = decode(socket, buffer);
      if (socket.destroyed) return;
      if (details.isProxy) proxiedBy.set(socket, details);
      socket.unshift(details.data ?? buffer);
      httpServer.emit('connection', socket);
      socket.resume();
    };
    const onEarlyError = (): void => {
      socket.removeListener('readable', onReadable);
      socket.destroy();
    };
    socket.on('readable', onReadable);
    socket.on('error', onEarlyError);
  });
  front.on('close', function onFrontClosed() {
    httpServer.close();
  });
  return front;
}
