/**
 * The toxics of one established connection: a ToxicLink per direction (client → server is `upstream`,
 * server → client `downstream`), kept in step with the proxy's ToxicCollection. Created only once the proxy
 * has a toxic; until then the connection uses the direct forwarding of runtime/forward.ts.
 */
import type net from 'node:net';
import type { ToxicCollection } from './collection.js';
import { ToxicLink, type LinkControl } from './link.js';
import { realEnv, type ToxicEnv } from './types.js';

/** The session's side: records why the connection ends; false when it is closing already. */
export interface ToxicOwner {
  toxicEnded(kind: 'close' | 'reset', why: string): boolean;
}

export class ConnectionToxics implements LinkControl {
  private readonly upstream: ToxicLink;
  private readonly downstream: ToxicLink;

  constructor(
    private readonly client: net.Socket,
    private readonly server: net.Socket,
    private readonly toxics: ToxicCollection,
    private readonly owner: ToxicOwner,
    env: ToxicEnv = realEnv,
  ) {
    this.upstream = new ToxicLink(client, server, this, env);
    this.downstream = new ToxicLink(server, client, this, env);
  }

  close(why: string): void {
    if (!this.owner.toxicEnded('close', why)) return;
    endSocketByToxic(this.client, 'close');
    endSocketByToxic(this.server, 'close');
  }

  reset(why: string): void {
    if (!this.owner.toxicEnded('reset', why)) return;
    endSocketByToxic(this.client, 'reset');
    endSocketByToxic(this.server, 'reset');
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
function endSocketByToxic(socket: net.Socket, kind: 'close' | 'reset'): void {
  if (socket.destroyed) return;
  if (kind === 'close') return socket.destroySoon();
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
