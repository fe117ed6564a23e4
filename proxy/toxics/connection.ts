/**
 * The toxics of one established connection: a ToxicLink per direction (client → server is `upstream`,
 * server → client `downstream`), kept in step with the proxy's ToxicCollection. Created only once the proxy
 * has a toxic; until then the connection uses the direct forwarding of runtime/forward.ts.
 */
import type net from 'node:net';
import type { ToxicCollection } from './collection.js';
import { ToxicLink, type LinkControl } from './link.js';
import { realEnv, type ToxicEnv } from './types.js';

export class ConnectionToxics {
  private readonly upstream: ToxicLink;
  private readonly downstream: ToxicLink;

  constructor(
    client: net.Socket,
    server: net.Socket,
    private readonly toxics: ToxicCollection,
    control: LinkControl,
    env: ToxicEnv = realEnv,
  ) {
    this.upstream = new ToxicLink(client, server, control, env);
    this.downstream = new ToxicLink(server, client, control, env);
  }

  /** Starts forwarding through the toxics; `first` (inspected CONNECT bytes) goes upstream first. */
  start(first: Buffer | null): void {
    this.upstream.start(this.toxics.list('upstream'), first);
    this.downstream.start(this.toxics.list('downstream'), null);
  }

  sync(): void {
    this.upstream.sync(this.toxics.list('upstream'));
    this.downstream.sync(this.toxics.list('downstream'));
  }

  dispose(): void {
    this.upstream.dispose();
    this.downstream.dispose();
  }
}

/** Ends a socket as a toxic asks: `reset` sends a TCP RST (plain TCP; TLS sockets are destroyed), `close` flushes, then closes. */
export function endSocketByToxic(socket: net.Socket | null, kind: 'close' | 'reset'): void {
  if (!socket || socket.destroyed) return;
  if (kind === 'close') return socket.destroySoon();
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
