/**
 * Reading a directly forwarded plain TCP socket into one buffer shared by every such socket, instead of Node's
 * default of a fresh 64 KB allocation per read. That allocation is freed only when a scavenge collects its
 * ArrayBuffer, in bursts ("external memory pressure"), so glibc hands the pages back and the next reads fault them
 * in again: page faults were ~25 % of a freshly started TS-proxy's CPU forwarding 64 KB messages (perf); in a
 * process warmed by other traffic, CPU per 64 KB message is ~20 % lower with this (bench/proxy/README.md).
 *
 * Mechanism: Node's `onread` option (a user buffer the handle reads into, and a callback per read), which
 * `net.connect` takes but `net.Server` does not give accepted sockets; so it is switched on after the fact with the
 * same three socket fields `onread` sets (found by their symbol descriptions) and `handle.useUserBuffer`. When
 * this Node has no such fields, sockets stay on 'data' events (`readIntoShared` returns false).
 *
 * The shared read buffer is never handed to a write (the next read of any socket overwrites it): the bytes are
 * copied to a staging buffer, written from there, and the staging buffer is replaced when the write keeps it
 * (the kernel did not take it all at once, so Node queues it). A socket with writes queued already, or a TLS one
 * (its write may complete later), gets an exact-size copy instead.
 */
import type net from 'node:net';

const READ_SIZE = 64 * 1024;
const readBuffer = Buffer.allocUnsafeSlow(READ_SIZE);
let stagingBuffer = Buffer.allocUnsafeSlow(READ_SIZE);

/** Called per read with `this` the socket; returns nothing (pausing goes through `socket.pause()`). */
export type SharedReadHandler = (this: net.Socket, chunk: Buffer) => void;

interface ReadFields {
  buffer: symbol;
  callback: symbol;
  generator: symbol;
}
type Internal = net.Socket & Record<symbol, unknown> & { _handle?: { useUserBuffer?: (buf: Buffer) => void } };

let fields: ReadFields | null | undefined;
function readFields(socket: net.Socket): ReadFields | null {
  if (fields !== undefined) return fields;
  const symbols = Object.getOwnPropertySymbols(socket);
  const named = (description: string): symbol | undefined => symbols.find((s) => s.description === description);
  const [buffer, callback, generator] = [named('kBuffer'), named('kBufferCb'), named('kBufferGen')];
  fields = buffer && callback && generator ? { buffer, callback, generator } : null;
  return fields;
}

const HANDLER = Symbol('ts-proxy.shared-read-handler');
type Reading = Internal & { [HANDLER]?: SharedReadHandler };

function isTls(socket: net.Socket): boolean {
  return (socket as net.Socket & { encrypted?: boolean }).encrypted === true;
}

function onSharedRead(this: Reading, nread: number): void {
  this[HANDLER]?.call(this, readBuffer.subarray(0, nread));
}

/**
 * From now on `socket`'s reads go to `handler` (a view of the shared buffer, valid only during the call) instead
 * of 'data' events; false when this socket cannot (TLS, bytes already buffered, no handle, unknown Node).
 * `handler` is set once; change what it does through state on the socket.
 */
export function readIntoShared(socket: net.Socket, handler: SharedReadHandler): boolean {
  const s = socket as Reading;
  if (s[HANDLER]) return s[HANDLER] === handler;
  const f = readFields(socket);
  const handle = s._handle;
  if (!f || s[f.buffer] || isTls(socket) || socket.readableLength > 0 || socket.destroyed) return false;
  if (!handle || typeof handle.useUserBuffer !== 'function') return false;
  s[HANDLER] = handler;
  s[f.buffer] = readBuffer;
  s[f.callback] = onSharedRead;
  s[f.generator] = null;
  handle.useUserBuffer(readBuffer);
  return true;
}

/**
 * Writes `chunk` (a view of the shared read buffer) to `dest` without handing dest the shared buffer; returns
 * what `dest.write` returns.
 */
export function writeShared(dest: net.Socket, chunk: Buffer): boolean {
  if (isTls(dest) || dest.writableLength > 0) return dest.write(Buffer.from(chunk));
  chunk.copy(stagingBuffer);
  const ok = dest.write(stagingBuffer.subarray(0, chunk.length));
  if (dest.writableLength > 0) stagingBuffer = Buffer.allocUnsafeSlow(READ_SIZE);
  return ok;
}
