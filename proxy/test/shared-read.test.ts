/**
 * Unit (real loopback sockets): runtime/shared-read.ts switches plain sockets to the shared read buffer on this
 * Node (it relies on Node's `onread` socket fields; a Node that renames them would silently fall back to 'data'
 * events, which this test reports), keeps the socket counters and 'end', and leaves TLS sockets alone.
 */
import { describe, expect, test } from '@jest/globals';
import net from 'node:net';
import tls from 'node:tls';
import { readIntoShared, writeShared } from '../runtime/shared-read.js';
import { withTimeout } from './helpers/wait.js';

async function socketPair(): Promise<{ accepted: net.Socket; client: net.Socket; close(): void }> {
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const acceptedP = new Promise<net.Socket>((r) => server.once('connection', r));
  const client = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
  const accepted = await acceptedP;
  return {
    accepted,
    client,
    close() {
      client.destroy();
      accepted.destroy();
      server.close();
    },
  };
}

describe('shared read buffer', () => {
  test('an accepted plain socket reads through the handler; bytesRead and end still work', async () => {
    const pair = await socketPair();
    const got: Buffer[] = [];
    let dataEvents = 0;
    pair.accepted.on('data', () => dataEvents++);
    expect(readIntoShared(pair.accepted, (chunk) => got.push(Buffer.from(chunk)))).toBe(true);
    const ended = new Promise<void>((r) => pair.accepted.once('end', () => r()));
    pair.accepted.resume();
    pair.client.end('hello shared buffer');
    await withTimeout(ended, 5_000, 'end on the accepted socket');
    expect(Buffer.concat(got).toString()).toBe('hello shared buffer');
    expect(dataEvents).toBe(0);
    expect(pair.accepted.bytesRead).toBe(19);
    pair.close();
  });

  test('writeShared hands the destination a copy that no later write reuses while the destination holds it', async () => {
    const [held, other] = [await socketPair(), await socketPair()];
    held.accepted.cork(); // the write waits in the queue, as when the kernel does not take it at once
    const chunk = Buffer.from('first');
    writeShared(held.accepted, chunk);
    chunk.write('XXXXX');
    writeShared(other.accepted, Buffer.from('other'));
    const got: Buffer[] = [];
    held.client.on('data', (d: Buffer) => got.push(d));
    const done = new Promise<void>((r) => held.client.once('end', () => r()));
    held.accepted.uncork();
    held.accepted.end();
    await withTimeout(done, 5_000, 'client end');
    expect(Buffer.concat(got).toString()).toBe('first');
    held.close();
    other.close();
  });

  test('a TLS socket stays on data events', () => {
    const socket = new tls.TLSSocket(new net.Socket());
    expect(readIntoShared(socket, () => undefined)).toBe(false);
    socket.destroy();
  });
});
