/**
 * One client connection: inspect the MQTT CONNECT (optional), pick a server (queue or retry as
 * configured), connect, send the PROXY header and the inspected bytes, then forward both ways
 * (forward.ts: pipe() semantics for backpressure and half-close, without its per-connection closures).
 * One log line when it ends.
 *
 * Socket handlers are module-level named functions that find their session through a symbol on the
 * socket: no closures per connection on the hot path.
 */
import net from 'node:net';
import { ConnectInspector } from '../mqtt/connect-inspector.js';
import type { ToxicCollection } from '../toxics/collection.js';
import { ConnectionToxics } from '../toxics/connection.js';
import { plainIp } from '../util/address.js';
import { errorText, type Logger } from '../util/log.js';
import type { Backend } from './backend.js';
import { forwardBothWays, unlinkBothWays } from './forward.js';
import { proxyHeaderFor } from './proxy-header.js';
import type { AssignedSession, ServerState } from './server.js';

/** What a session needs from its frontend. */
export interface SessionOwner {
  readonly logger: Logger;
  readonly name: string;
  readonly inspectMqtt: boolean;
  readonly handshakeTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** The proxy's toxics (Toxiproxy API); empty = direct forwarding. */
  readonly toxics: ToxicCollection;
  sessionEnded(session: Session, bytesIn: number, bytesOut: number): void;
}

type Phase = 'inspect' | 'route' | 'established' | 'closing';
const SESSION = Symbol('ts-proxy.session');
type Tagged = net.Socket & { [SESSION]?: Session };
const NORMAL_ENDS = new Set(['client-fin', 'server-fin', 'client-close', 'idle-timeout', 'shutdown']);

function sessionOf(socket: net.Socket): Session | undefined {
  return (socket as Tagged)[SESSION];
}

function onClientData(this: net.Socket, chunk: Buffer): void {
  sessionOf(this)?.inspectChunk(chunk);
}
function onClientEnd(this: net.Socket): void {
  sessionOf(this)?.clientEnded();
}
function onClientError(this: net.Socket, err: Error): void {
  sessionOf(this)?.abort('client-error', errorText(err));
}
function onClientClose(this: net.Socket): void {
  sessionOf(this)?.clientClosed();
}
function onClientTimeout(this: net.Socket): void {
  sessionOf(this)?.abort('idle-timeout', 'no traffic in either direction');
}
function onUpstreamConnect(this: net.Socket): void {
  sessionOf(this)?.upstreamConnected(this);
}
function onUpstreamError(this: net.Socket, err: Error): void {
  sessionOf(this)?.upstreamFailed(this, errorText(err));
}
function onUpstreamTimeout(this: net.Socket): void {
  sessionOf(this)?.upstreamTimedOut(this);
}
function onUpstreamEnd(this: net.Socket): void {
  sessionOf(this)?.upstreamEnded(this);
}
function onUpstreamClose(this: net.Socket): void {
  sessionOf(this)?.upstreamClosed(this);
}
function onInspectTimer(session: Session): void {
  session.abort('handshake-timeout', 'no complete MQTT CONNECT in time');
}

export class Session implements AssignedSession {
  private upstream: net.Socket | null = null;
  private server: ServerState | null = null;
  private phase: Phase = 'route';
  private inspector: ConnectInspector | null = null;
  private firstBytes: Buffer | null = null;
  private clientIdBytes: Buffer | null = null;
  private clientId: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private reason = '';
  private detail = '';
  private tried: Set<ServerState> | null = null;
  private cancelQueue: (() => void) | null = null;
  private clientDone = false;
  private upstreamDone = true;
  private finished = false;
  private readonly startedAt = Date.now();
  private connectMs = -1;
  private toxicLinks: ConnectionToxics | null = null;
  private readonly clientIp: string;
  private readonly clientPort: number;

  constructor(
    readonly client: net.Socket,
    private readonly owner: SessionOwner,
    readonly backend: Backend,
  ) {
    (client as Tagged)[SESSION] = this;
    this.clientIp = plainIp(client.remoteAddress);
    this.clientPort = client.remotePort ?? 0;
  }

  start(): void {
    const c = this.client;
    c.setNoDelay(true);
    c.on('error', onClientError);
    c.on('close', onClientClose);
    c.on('end', onClientEnd);
    c.on('timeout', onClientTimeout);
    const clientIdBalance = this.backend.cfg.balance === 'clientid';
    if (!this.owner.inspectMqtt && !clientIdBalance) return this.route();
    this.phase = 'inspect';
    const limit = clientIdBalance
      ? Math.min(this.owner.handshakeTimeoutMs, this.backend.cfg.clientid.inspect_timeout)
      : this.owner.handshakeTimeoutMs;
    this.timer = setTimeout(onInspectTimer, limit, this);
    this.inspector = new ConnectInspector();
    c.on('data', onClientData);
    c.resume();
  }

  /** @internal */ inspectChunk(chunk: Buffer): void {
    if (this.phase !== 'inspect' || !this.inspector) return;
    const r = this.inspector.push(chunk);
    if (r.status === 'incomplete') return;
    this.client.pause();
    this.client.removeListener('data', onClientData);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inspector = null;
    if (r.status === 'invalid') return this.abort('bad-connect', r.reason);
    this.firstBytes = r.bytes;
    if (r.info.clientIdBytes.length > 0) {
      this.clientIdBytes = r.info.clientIdBytes;
      this.clientId = r.info.clientIdBytes.toString('utf8');
    }
    this.route();
  }

  private route(): void {
    this.phase = 'route';
    const outcome = this.backend.pick(
      { sourceIp: this.clientIp, clientId: this.clientIdBytes },
      this.tried ?? undefined,
    );
    if (outcome.server) return this.connectTo(outcome.server);
    if (outcome.why === 'all-full' && this.backend.cfg.maxconn_policy === 'queue' && !this.cancelQueue) {
      const session = this;
      this.cancelQueue = this.backend.enqueue({
        admit: () => session.admitFromQueue(),
        expire() {
          session.cancelQueue = null;
          session.backend.queueTimeouts++;
          session.abort('queue-timeout', 'every server stayed at its maxconn');
        },
      });
      return;
    }
    this.backend.noServer++;
    if (outcome.why === 'all-full') this.abort('maxconn', 'every server is at its maxconn');
    else this.abort('no-server', this.tried ? 'no other server left to try' : 'no server is UP');
  }

  private admitFromQueue(): boolean {
    if (this.phase !== 'route' || !this.cancelQueue) return true;
    const outcome = this.backend.pick(
      { sourceIp: this.clientIp, clientId: this.clientIdBytes },
      this.tried ?? undefined,
    );
    if (!outcome.server && outcome.why === 'all-full') return false;
    this.cancelQueue = null;
    if (outcome.server) this.connectTo(outcome.server);
    else this.abort('no-server', 'no server is UP');
    return true;
  }

  private connectTo(server: ServerState): void {
    this.server = server;
    server.attach(this);
    const up = net.connect({ host: server.host, port: server.port, allowHalfOpen: true, noDelay: true });
    (up as Tagged)[SESSION] = this;
    this.upstream = up;
    this.upstreamDone = false;
    up.setTimeout(this.backend.cfg.timeouts.connect);
    up.on('connect', onUpstreamConnect);
    up.on('error', onUpstreamError);
    up.on('timeout', onUpstreamTimeout);
    up.on('end', onUpstreamEnd);
    up.on('close', onUpstreamClose);
  }

  /** @internal */ upstreamConnected(up: net.Socket): void {
    if (up !== this.upstream || this.phase !== 'route') return;
    up.setTimeout(0);
    this.connectMs = Date.now() - this.startedAt;
    this.phase = 'established';
    const header = proxyHeaderFor(this.backend.cfg.send_proxy, this.client, this.clientIp, this.clientPort);
    if (this.owner.toxics.size > 0) {
      if (header) up.write(header);
      this.client.setTimeout(this.owner.idleTimeoutMs);
      this.toxicLinks = new ConnectionToxics(this.client, up, this.owner.toxics, this);
      this.toxicLinks.start(this.firstBytes);
      this.firstBytes = this.clientIdBytes = null;
      return;
    }
    if (header || this.firstBytes) {
      up.cork();
      if (header) up.write(header);
      if (this.firstBytes) up.write(this.firstBytes);
      up.uncork();
    }
    this.firstBytes = null;
    this.clientIdBytes = null;
    this.client.setTimeout(this.owner.idleTimeoutMs);
    forwardBothWays(this.client, up);
  }

  /** @internal The proxy's toxics changed: an established connection follows them now. */
  toxicsChanged(): void {
    if (this.phase !== 'established' || !this.upstream) return;
    if (this.toxicLinks) return this.toxicLinks.sync();
    unlinkBothWays(this.client, this.upstream);
    this.toxicLinks = new ConnectionToxics(this.client, this.upstream, this.owner.toxics, this);
    this.toxicLinks.start(null);
  }

  /** @internal A toxic ends the connection (ConnectionToxics ends the sockets); false when closing already. */
  toxicEnded(kind: 'close' | 'reset', why: string): boolean {
    if (this.phase === 'closing') return false;
    [this.reason, this.detail, this.phase] = [`toxic-${kind}`, why, 'closing'];
    return true;
  }

  /** @internal */ upstreamFailed(up: net.Socket, message: string): void {
    if (up !== this.upstream) return;
    if (this.phase !== 'route') return this.abort('server-error', message);
    this.retryOrFail('connect-error', message);
  }

  /** @internal */ upstreamTimedOut(up: net.Socket): void {
    if (up !== this.upstream) return;
    if (this.phase === 'route')
      this.retryOrFail('connect-timeout', `no connection within ${this.backend.cfg.timeouts.connect} ms`);
    else this.abort('idle-timeout', 'server side did not finish closing');
  }

  private retryOrFail(reason: string, message: string): void {
    const server = this.server!;
    const up = this.upstream!;
    server.connectFailures++;
    server.detach(this, 0, 0);
    up.destroy();
    this.upstream = null;
    this.upstreamDone = true;
    this.server = null;
    const tried = (this.tried ??= new Set());
    tried.add(server);
    this.owner.logger.debug('connect-failed', {
      frontend: this.owner.name,
      backend: this.backend.name,
      server: server.name,
      reason,
      detail: message,
    });
    if (tried.size <= this.backend.cfg.retries && !this.clientDone) return this.route();
    this.abort(reason, `${server.name} (${server.address}): ${message}`);
  }

  /** @internal */ upstreamEnded(up: net.Socket): void {
    if (up === this.upstream && !this.reason) this.reason = 'server-fin';
  }

  /** @internal */ clientEnded(): void {
    if (this.phase === 'inspect') return this.abort('client-fin', 'client closed before sending a complete CONNECT');
    if (!this.reason) this.reason = 'client-fin';
  }

  /** @internal */ clientClosed(): void {
    this.clientDone = true;
    if (this.phase !== 'established') {
      if (this.phase !== 'closing')
        this.abort('client-close', 'client went away before the server connection was ready');
    } else if (!this.upstreamDone && this.upstream) {
      if (this.client.readableEnded && this.client.writableFinished) this.upstream.setTimeout(this.owner.idleTimeoutMs);
      else this.abort('client-close', 'client connection closed');
    }
    this.maybeFinish();
  }

  /** @internal */ upstreamClosed(up: net.Socket): void {
    if (up !== this.upstream) return;
    this.upstreamDone = true;
    if (this.phase === 'route') return this.retryOrFail('connect-error', 'connection closed');
    if (this.phase === 'established' && !this.clientDone && !(up.readableEnded && up.writableFinished)) {
      this.abort('server-close', 'server connection closed');
    }
    this.maybeFinish();
  }

  /** Closes both sides now; the first abort reason is kept (it may replace a half-close reason). */
  abort(reason: string, detail = ''): void {
    if (this.phase !== 'closing') {
      if (!this.reason || this.reason === 'client-fin' || this.reason === 'server-fin') {
        this.reason = reason;
        this.detail = detail;
      }
      this.phase = 'closing';
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.cancelQueue) {
      this.cancelQueue();
      this.cancelQueue = null;
    }
    if (!this.client.destroyed) this.client.destroy();
    if (this.upstream && !this.upstream.destroyed) this.upstream.destroy();
    this.maybeFinish();
  }

  kill(reason: string): void {
    this.abort(reason, reason === 'server-down' ? 'server marked DOWN (on_marked_down: shutdown-sessions)' : '');
  }

  serverBytes(): { toServer: number; fromServer: number } {
    const up = this.upstream;
    return up ? { toServer: up.bytesWritten, fromServer: up.bytesRead } : { toServer: 0, fromServer: 0 };
  }

  private maybeFinish(): void {
    if (this.finished || !this.clientDone || !this.upstreamDone) return;
    this.finished = true;
    this.toxicLinks?.dispose();
    const bytes = this.serverBytes();
    this.server?.detach(this, bytes.toServer, bytes.fromServer);
    const bytesIn = this.client.bytesRead;
    const bytesOut = this.client.bytesWritten;
    this.owner.sessionEnded(this, bytesIn, bytesOut);
    const reason = this.reason || 'client-close';
    const level = NORMAL_ENDS.has(reason) ? 'info' : 'warn';
    if (!this.owner.logger.enabled(level)) return;
    this.owner.logger.log(level, 'close', {
      frontend: this.owner.name,
      backend: this.backend.name,
      server: this.server?.name ?? null,
      client: `${this.clientIp}:${this.clientPort}`,
      clientId: this.clientId,
      reason,
      detail: this.detail || undefined,
      durationMs: Date.now() - this.startedAt,
      connectMs: this.connectMs >= 0 ? this.connectMs : undefined,
      retries: this.tried ? this.tried.size : 0,
      bytesIn,
      bytesOut,
    });
  }
}
