/**
 * A load-engine connection's socket: TCP or TLS from its source address, with module-level named handlers that find
 * the connection through one symbol-keyed property (no per-connection closures).
 */
import net from 'node:net';
import tls from 'node:tls';
import { classifyError, type ErrorClass } from './errors.js';
import type { Target } from './owner.js';

/** What the socket's handlers call on their connection (harness/load/connection.ts Connection implements it). */
export interface SocketUser {
  readonly target: Target;
  readonly localAddress?: string | undefined;
  readonly state: string;
  tcpConnected(): void;
  tlsDone(): void;
  feed(chunk: Buffer): void;
  fail(cls: ErrorClass, detail: string): void;
  gone(): void;
}

const CONN = Symbol('load-connection');
export type LoadSocket = net.Socket & { [CONN]?: SocketUser };

/** Opens the socket of `c` and routes its events to `c`. */
export function connectSocket(c: SocketUser): LoadSocket {
  const t = c.target;
  const base = { host: t.host, port: t.port, ...(c.localAddress ? { localAddress: c.localAddress } : {}) };
  const socket: LoadSocket = t.tls
    ? tls.connect({
        ...base,
        ca: t.tls.ca,
        servername: t.tls.servername ?? (net.isIP(t.host) ? undefined : t.host),
        rejectUnauthorized: t.tls.rejectUnauthorized ?? true,
      })
    : net.connect(base);
  socket[CONN] = c;
  socket.setNoDelay(true);
  socket.on('connect', onTcpConnect);
  if (t.tls) socket.on('secureConnect', onSecureConnect);
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);
  return socket;
}

/** Late events of a socket whose connection is gone reach nobody. */
export function detachSocket(socket: LoadSocket): void {
  socket[CONN] = undefined;
}

function onTcpConnect(this: LoadSocket): void {
  this[CONN]?.tcpConnected();
}

function onSecureConnect(this: LoadSocket): void {
  this[CONN]?.tlsDone();
}

function onData(this: LoadSocket, chunk: Buffer): void {
  this[CONN]?.feed(chunk);
}

function onError(this: LoadSocket, err: Error): void {
  this[CONN]?.fail(classifyError(err), err.message);
}

function onClose(this: LoadSocket): void {
  const c = this[CONN];
  if (!c) return;
  if (c.state !== 'closing')
    c.fail(c.state === 'ready' ? 'closed' : 'closed-before-connack', `closed in state ${c.state}`);
  c.gone();
}
