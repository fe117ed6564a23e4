/**
 * The session's socket and timer handlers: module-level named functions that find their session through a
 * symbol on the socket, so a connection allocates no closures for its events.
 */
import type net from 'node:net';
import { errorText } from '../util/log.js';

/** What the handlers call on the session that owns a socket. */
export interface SessionEvents {
  inspectChunk(chunk: Buffer): void;
  clientEnded(): void;
  clientClosed(): void;
  abort(reason: string, detail?: string): void;
  upstreamConnected(up: net.Socket): void;
  upstreamFailed(up: net.Socket, message: string): void;
  upstreamTimedOut(up: net.Socket | null): void;
  upstreamEnded(up: net.Socket): void;
  upstreamClosed(up: net.Socket): void;
}

const SESSION = Symbol('ts-proxy.session');
type Tagged = net.Socket & { [SESSION]?: SessionEvents };

export function tagSocket(socket: net.Socket, session: SessionEvents): void {
  (socket as Tagged)[SESSION] = session;
}

function sessionOf(socket: net.Socket): SessionEvents | undefined {
  return (socket as Tagged)[SESSION];
}

export function onClientData(this: net.Socket, chunk: Buffer): void {
  sessionOf(this)?.inspectChunk(chunk);
}
export function onClientEnd(this: net.Socket): void {
  sessionOf(this)?.clientEnded();
}
export function onClientError(this: net.Socket, err: Error): void {
  sessionOf(this)?.abort('client-error', errorText(err));
}
export function onClientClose(this: net.Socket): void {
  sessionOf(this)?.clientClosed();
}
export function onClientTimeout(this: net.Socket): void {
  sessionOf(this)?.abort('idle-timeout', 'no traffic in either direction');
}
export function onUpstreamConnect(this: net.Socket): void {
  sessionOf(this)?.upstreamConnected(this);
}
export function onUpstreamError(this: net.Socket, err: Error): void {
  sessionOf(this)?.upstreamFailed(this, errorText(err));
}
export function onUpstreamTimeout(this: net.Socket): void {
  sessionOf(this)?.upstreamTimedOut(this);
}
export function onUpstreamEnd(this: net.Socket): void {
  sessionOf(this)?.upstreamEnded(this);
}
export function onUpstreamClose(this: net.Socket): void {
  sessionOf(this)?.upstreamClosed(this);
}
export function onInspectTimer(session: SessionEvents): void {
  session.abort('handshake-timeout', 'no complete MQTT CONNECT in time');
}
/**
 * The connect timeout is a plain timer, not `socket.setTimeout`: a socket keeps its last timeout object (and a
 * bound `_onTimeout`) after `setTimeout(0)`, ~170 B for the connection's whole life.
 */
export function onConnectTimer(session: SessionEvents): void {
  session.upstreamTimedOut(null);
}
