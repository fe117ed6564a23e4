/**
 * A listening frontend (plain TCP or TLS). Admission happens on the raw socket before any TLS work:
 * per-source rate limit, then the global `maxconn` gate. Connections closed before a session starts
 * (refused, TLS failure, client gone while queued) get their log line here; sessions log their own.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { FrontendConfig } from '../config/types.js';
import { formatHostPort, parseHostPort, plainIp } from '../util/address.js';
import type { ToxicCollection } from '../toxics/collection.js';
import { errorText, type Logger } from '../util/log.js';
import {
  admit,
  onPlainConnection,
  onSecureConnection,
  onTlsClientError,
  tagServer,
  type Admission,
  type AdmissionOwner,
} from './admission.js';
import type { Backend } from './backend.js';
import type { ConnectionGate } from './conn-gate.js';
import { SourceRateLimiter } from './rate-limit.js';
import { Session, type SessionOwner } from './session.js';
import { matchSni, type TlsMaterial } from './tls-material.js';

export interface FrontendDeps {
  logger: Logger;
  gate: ConnectionGate;
  backendFor(name: string): Backend | undefined;
  /** The toxics of the proxy named as this frontend (Toxiproxy API). */
  toxicsFor(name: string): ToxicCollection;
}

export class Frontend implements SessionOwner, AdmissionOwner {
  private server: net.Server | tls.Server | null = null;
  private limiter: SourceRateLimiter | null = null;
  private sweepTimer: NodeJS.Timeout | undefined;
  readonly sessions = new Set<Session>();
  address = '';
  current = 0;
  total = 0;
  accepted = 0;
  rateLimited = 0;
  refused = 0;
  tlsFailures = 0;
  private closedBytesIn = 0;
  private closedBytesOut = 0;
  readonly toxics: ToxicCollection;

  constructor(
    public cfg: FrontendConfig,
    private tlsMaterial: TlsMaterial | null,
    private readonly deps: FrontendDeps,
  ) {
    this.configureLimiter();
    this.toxics = deps.toxicsFor(cfg.name);
  }

  get logger(): Logger {
    return this.deps.logger;
  }
  get name(): string {
    return this.cfg.name;
  }
  get inspectMqtt(): boolean {
    return this.cfg.inspect === 'mqtt';
  }
  get handshakeTimeoutMs(): number {
    return this.cfg.timeouts.handshake;
  }
  get idleTimeoutMs(): number {
    return this.cfg.timeouts.idle;
  }
  get isTls(): boolean {
    return this.tlsMaterial !== null;
  }
  get listening(): boolean {
    return this.server !== null;
  }

  /** The toxics changed: established sessions follow (new ones read them when they connect). */
  toxicsChanged(): void {
    for (const s of this.sessions) s.toxicsChanged();
  }

  /** Binds the listener; resolves with the actual `host:port`. */
  listen(bind = this.cfg.bind): Promise<string> {
    const hp = parseHostPort(bind)!;
    const server = this.tlsMaterial
      ? this.createTlsServer(this.tlsMaterial)
      : net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    tagServer(server, this);
    if (!this.tlsMaterial) server.on('connection', onPlainConnection);
    this.server = server;
    return new Promise<string>((resolve, reject) => {
      const onListenError = (err: Error): void => {
        this.server = null;
        reject(new Error(`frontend ${this.name}: cannot listen on ${this.cfg.bind}: ${errorText(err)}`));
      };
      server.once('error', onListenError);
      server.listen({ host: hp.host || undefined, port: hp.port, backlog: 4096 }, () => {
        server.removeListener('error', onListenError);
        server.on('error', (err) =>
          this.logger.error('listener-error', { frontend: this.name, error: errorText(err) }),
        );
        const a = server.address() as net.AddressInfo;
        this.address = formatHostPort(a.address, a.port);
        resolve(this.address);
      });
    });
  }

  private createTlsServer(m: TlsMaterial): tls.Server {
    const frontend = this;
    const server = tls.createServer({
      ...m.contextOptions,
      requestCert: m.requestCert,
      rejectUnauthorized: m.rejectUnauthorized,
      handshakeTimeout: this.cfg.timeouts.handshake,
      allowHalfOpen: true,
      noDelay: true,
      SNICallback: function selectCertificate(servername, cb) {
        cb(null, frontend.tlsMaterial ? matchSni(frontend.tlsMaterial.sni, servername) : undefined);
      },
    });
    server.on('connection', (raw: net.Socket) => frontend.accept(raw));
    server.on('secureConnection', onSecureConnection);
    server.on('tlsClientError', onTlsClientError);
    return server;
  }

  /** @internal A new raw connection: rate limit, then the global gate. */
  accept(raw: net.Socket): void {
    this.accepted++;
    const adm = admit(this, raw);
    if (this.limiter && !this.limiter.allow(plainIp(raw.remoteAddress))) {
      this.rateLimited++;
      return this.reject(
        adm,
        'rate-limited',
        `over ${this.cfg.rate_limit!.per_source_per_s} connections/s from this source`,
      );
    }
    if (this.deps.gate.tryEnter()) return this.admitted(adm);
    const ticket = this.deps.gate.enter(
      () => this.admitted(adm),
      () => {
        adm.cancel = null;
        this.reject(adm, 'queue-timeout', 'global maxconn queue timeout');
      },
      (cancel) => {
        adm.cancel = cancel;
      },
    );
    if (ticket === 'admitted') this.admitted(adm);
    else if (ticket === 'refused') {
      this.refused++;
      this.reject(adm, 'maxconn', `global maxconn ${this.deps.gate.maxconn} reached`);
    }
  }

  private reject(adm: Admission, reason: string, detail: string): void {
    adm.reason = reason;
    adm.detail = detail;
    adm.raw.destroy();
  }

  private admitted(adm: Admission): void {
    adm.cancel = null;
    adm.admitted = true;
    if (adm.raw.destroyed) return;
    if (!this.tlsMaterial) this.startSession(adm, adm.raw);
    else if (adm.secure) this.startSession(adm, adm.secure);
  }

  /** @internal TLS handshake done. */
  secured(adm: Admission, socket: tls.TLSSocket): void {
    adm.secure = socket;
    if (adm.admitted) this.startSession(adm, socket);
  }

  private startSession(adm: Admission, socket: net.Socket): void {
    if (socket.destroyed) return; // rawClosed logs it
    const backend = this.deps.backendFor(this.cfg.backend);
    if (!backend) return this.reject(adm, 'no-server', `backend ${this.cfg.backend} does not exist`);
    adm.started = true;
    this.current++;
    this.total++;
    const session = new Session(socket, this, backend);
    this.sessions.add(session);
    session.start();
  }

  /** @internal */
  rawClosed(adm: Admission): void {
    if (adm.admitted) this.deps.gate.leave();
    if (adm.cancel) {
      adm.cancel();
      adm.cancel = null;
    }
    if (adm.started) return;
    if (this.tlsMaterial && !adm.reason) adm.reason = 'tls-error';
    if (adm.reason === 'tls-error' || adm.reason === 'handshake-timeout') this.tlsFailures++;
    const reason = adm.reason || 'client-close';
    this.logger.log(reason === 'client-close' ? 'info' : 'warn', 'close', {
      frontend: this.name,
      backend: this.cfg.backend,
      server: null,
      client: `${plainIp(adm.raw.remoteAddress)}:${adm.raw.remotePort ?? 0}`,
      reason,
      detail:
        adm.detail ||
        (this.tlsMaterial
          ? 'closed before the TLS handshake completed'
          : 'closed while waiting for a global maxconn slot'),
      durationMs: Date.now() - adm.acceptedAt,
      bytesIn: adm.raw.bytesRead,
      bytesOut: adm.raw.bytesWritten,
    });
  }

  sessionEnded(session: Session, bytesIn: number, bytesOut: number): void {
    if (!this.sessions.delete(session)) return;
    this.current--;
    this.closedBytesIn += bytesIn;
    this.closedBytesOut += bytesOut;
    session.backend.wakeQueue();
  }

  bytes(): { bytesIn: number; bytesOut: number } {
    let bytesIn = this.closedBytesIn;
    let bytesOut = this.closedBytesOut;
    for (const s of this.sessions) {
      bytesIn += s.client.bytesRead;
      bytesOut += s.client.bytesWritten;
    }
    return { bytesIn, bytesOut };
  }

  /** Reload with the same bind and TLS-ness: new settings and certificates for new connections. */
  update(cfg: FrontendConfig, material: TlsMaterial | null): void {
    this.cfg = cfg;
    this.configureLimiter();
    if (material && this.server instanceof tls.Server) {
      this.tlsMaterial = material;
      this.server.setSecureContext({ ...material.contextOptions });
      const s = this.server as tls.Server & {
        requestCert?: boolean;
        rejectUnauthorized?: boolean;
        _handshakeTimeout?: number;
      };
      s.requestCert = material.requestCert;
      s.rejectUnauthorized = material.rejectUnauthorized;
    }
  }

  private configureLimiter(): void {
    const rl = this.cfg.rate_limit;
    if (!rl) {
      this.limiter = null;
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
      return;
    }
    if (this.limiter) this.limiter.setLimit(rl.per_source_per_s);
    else this.limiter = new SourceRateLimiter(rl.per_source_per_s);
    if (!this.sweepTimer) {
      this.sweepTimer = setInterval(() => this.limiter?.sweep(), 10_000);
      this.sweepTimer.unref();
    }
  }

  /** Stops accepting (the port is released now); established sessions continue. */
  close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    const server = this.server;
    this.server = null;
    if (server) server.close();
    return new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Closes every session of this frontend (shutdown). */
  killSessions(reason: string): void {
    for (const s of [...this.sessions]) s.kill(reason);
  }
}
