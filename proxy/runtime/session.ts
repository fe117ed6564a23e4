/**
 * One client connection: inspect the MQTT CONNECT (optional), pick a server (queue or retry as
 * configured), connect, send the PROXY header and the inspected bytes, then forward both ways
 * (forward.ts: pipe() semantics for backpressure and half-close, without its per-connection closures).
 * One log line when it ends.
 *
 * Socket handlers are module-level (session-events.ts): no closures per connection on the hot path.
 */
import net from 'node:net';
import { ConnectInspector } from '../mqtt/connect-inspector.js';
import type { ConnectionToxics } from '../toxics/connection.js';
import { plainIp } from '../util/address.js';
import type { Backend } from './backend.js';
import { startForwarding, switchToToxics } from './establish.js';
import { proxyHeaderFor } from './proxy-header.js';
import type { AssignedSession, ServerState } from './server.js';
import { closeLogLevel, logSessionClose } from './session-close.js';
import * as events from './session-events.js';
import type { SessionOwner } from './session-owner.js';

export type { SessionOwner };

type Phase = 'inspect' | 'route' | 'established' | 'closing';
export class Session implements AssignedSession, events.SessionEvents {
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
    events.tagSocket(client, this);
    this.clientIp = plainIp(client.remoteAddress);
    this.clientPort = client.remotePort ?? 0;
  }

  start(): void {
    const c = this.client;
    c.setNoDelay(true);
    c.on('error', events.onClientError);
    c.on('close', events.onClientClose);
    c.on('end', events.onClientEnd);
    c.on('timeout', events.onClientTimeout);
    const clientIdBalance = this.backend.cfg.balance === 'clientid';
    if (!this.owner.inspectMqtt && !clientIdBalance) return this.route();
    this.phase = 'inspect';
    const limit = clientIdBalance
      ? Math.min(this.owner.handshakeTimeoutMs, this.backend.cfg.clientid.inspect_timeout)
      : this.owner.handshakeTimeoutMs;
    this.timer = setTimeout(events.onInspectTimer, limit, this);
    this.inspector = new ConnectInspector();
    c.on('data', events.onClientData);
    c.resume();
  }

  /** @internal */ inspectChunk(chunk: Buffer): void {
    if (this.phase !== 'inspect' || !this.inspector) return;
    const r = this.inspector.push(chunk);
    if (r.status === 'incomplete') return;
    this.client.pause();
    this.client.removeListener('data', events.onClientData);
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
    events.tagSocket(up, this);
    this.upstream = up;
    this.upstreamDone = false;
    this.timer = setTimeout(events.onConnectTimer, this.backend.cfg.timeouts.connect, this);
    up.on('connect', events.onUpstreamConnect);
    up.on('error', events.onUpstreamError);
    up.on('end', events.onUpstreamEnd);
    up.on('close', events.onUpstreamClose);
  }

  /** @internal */ upstreamConnected(up: net.Socket): void {
    if (up !== this.upstream || this.phase !== 'route') return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.connectMs = Date.now() - this.startedAt;
    this.phase = 'established';
    const header = proxyHeaderFor(this.backend.cfg.send_proxy, this.client, this.clientIp, this.clientPort);
    this.client.setTimeout(this.owner.idleTimeoutMs);
    this.toxicLinks = startForwarding(this.client, up, header, this.firstBytes, this.owner.toxics, this);
    this.firstBytes = null;
    this.clientIdBytes = null;
  }

  /** @internal The proxy's toxics changed: an established connection follows them now. */
  toxicsChanged(): void {
    if (this.phase !== 'established' || !this.upstream) return;
    if (this.toxicLinks) return this.toxicLinks.sync();
    this.toxicLinks = switchToToxics(this.client, this.upstream, this.owner.toxics, this);
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

  /** @internal `up` null: the connect timer fired. */
  upstreamTimedOut(up: net.Socket | null): void {
    if (up ? up !== this.upstream : !this.upstream) return;
    if (this.phase === 'route')
      this.retryOrFail('connect-timeout', `no connection within ${this.backend.cfg.timeouts.connect} ms`);
    else this.abort('idle-timeout', 'server side did not finish closing');
  }

  private retryOrFail(reason: string, message: string): void {
    const server = this.server!;
    const up = this.upstream!;
    clearTimeout(this.timer);
    this.timer = undefined;
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
      if (this.client.readableEnded && this.client.writableFinished) {
        // The server side has the idle timeout to finish closing (its listener only now: one fewer per socket).
        this.upstream.on('timeout', events.onUpstreamTimeout);
        this.upstream.setTimeout(this.owner.idleTimeoutMs);
      } else this.abort('client-close', 'client connection closed');
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
    if (!this.owner.logger.enabled(closeLogLevel(reason))) return;
    logSessionClose(this.owner.logger, {
      frontend: this.owner.name,
      backend: this.backend.name,
      server: this.server?.name ?? null,
      client: `${this.clientIp}:${this.clientPort}`,
      clientId: this.clientId,
      reason,
      detail: this.detail,
      startedAt: this.startedAt,
      connectMs: this.connectMs,
      retries: this.tried ? this.tried.size : 0,
      bytesIn,
      bytesOut,
    });
  }
}
