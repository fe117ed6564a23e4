/**
 * The keeper's control socket: a unix socket in the run directory speaking one JSON line per request and one JSON
 * line per answer. `mqtt-lb status|fault|down` from any shell talk to the deployment through it.
 */
import net from 'node:net';
import { rmSync } from 'node:fs';
import type { FaultVerb, NetFault } from '../types.js';

export type ControlRequest =
  | { cmd: 'status' }
  | { cmd: 'fault'; node: string; verb: FaultVerb }
  /** A network fault (validated again by the keeper: harness/netfault/fault.ts). */
  | { cmd: 'netfault'; node: string; fault: NetFault }
  | { cmd: 'down' };

export type ControlAnswer = { ok: true; result?: unknown } | { ok: false; error: string; usage?: boolean };

/** An error the keeper reports for a bad request (unknown node or verb): exit 2, not 1. */
export class ControlUsageError extends Error {
  override name = 'ControlUsageError';
}

/** The keeper is not answering on its socket (gone, or never started). */
export class KeeperUnreachableError extends Error {
  override name = 'KeeperUnreachableError';
}

export type ControlHandler = (req: ControlRequest) => Promise<{ result?: unknown; after?: () => void }>;

/** Serves `handler` on `socketPath`; `after` (e.g. exit) runs once the answer is flushed. */
export async function serveControl(socketPath: string, handler: ControlHandler): Promise<net.Server> {
  rmSync(socketPath, { force: true });
  const onConnection = (socket: net.Socket): void => {
    let buffer = '';
    const answer = (a: ControlAnswer, after?: () => void): void => {
      socket.end(`${JSON.stringify(a)}\n`, () => {
        after?.();
      });
    };
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      socket.off('data', onData);
      let req: ControlRequest;
      try {
        req = JSON.parse(buffer.slice(0, nl)) as ControlRequest;
      } catch {
        answer({ ok: false, error: 'bad request: not JSON', usage: true });
        return;
      }
      handler(req).then(
        ({ result, after }) => answer({ ok: true, result }, after),
        (err: Error) => answer({ ok: false, error: err.message, usage: err instanceof ControlUsageError }),
      );
    };
    const onError = (): void => void socket.destroy();
    socket.on('data', onData);
    socket.on('error', onError);
  };
  const server = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Sends one request; resolves with the keeper's result or throws its error (ControlUsageError for bad requests). */
export async function callControl(socketPath: string, req: ControlRequest, timeoutMs = 30_000): Promise<unknown> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new KeeperUnreachableError(`the keeper did not answer '${req.cmd}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnect = (): void => void socket.write(`${JSON.stringify(req)}\n`);
    const onData = (chunk: Buffer): void => void (buffer += chunk.toString('utf8'));
    const onEnd = (): void => {
      clearTimeout(timer);
      resolve(buffer);
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      const gone = err.code === 'ENOENT' || err.code === 'ECONNREFUSED';
      reject(gone ? new KeeperUnreachableError(`no keeper answers on ${socketPath} (${err.code})`) : err);
    };
    socket.once('connect', onConnect);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
  });
  let answer: ControlAnswer;
  try {
    answer = JSON.parse(text) as ControlAnswer;
  } catch {
    throw new KeeperUnreachableError(`the keeper closed the connection without an answer to '${req.cmd}'`);
  }
  if (answer.ok) return answer.result;
  throw answer.usage ? new ControlUsageError(answer.error) : new Error(answer.error);
}
