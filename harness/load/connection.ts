/**
 * One load-engine MQTT connection: TCP (or TLS) from a chosen source address → CONNECT → CONNACK → SUBSCRIBE →
 * SUBACK, then QoS 0/1 publishing and receiving. Socket events go to module-level named handlers that find their
 * connection through one symbol-keyed property, so a connection costs its socket plus one small object (no
 * per-connection closures or parser; see README.md for the measurement behind this).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Packet } from 'mqtt-packet';
import { classifyError, type ErrorClass } from './errors.js';
import type { PhaseHistograms } from './histograms.js';
import type { LoadLedger, LoadQos } from './ledger.js';
import { readPayload } from './payload.js';
import { epochMs } from './payload.js';
import * as wire from './wire.js';

export interface Target {
  host: string;
  port: number;
  /** MQTT over TLS: the CA to verify with (PEM) and the name to check; rejectUnauthorized false skips checks. */
  tls?: { ca?: string | Buffer; servername?: string; rejectUnauthorized?: boolean };
}

/** What a connection reports to, shared by every connection of one engine. */
export interface ConnectionOwner {
  readonly histograms: PhaseHistograms;
  readonly ledger: LoadLedger;
  readonly phaseTimeoutMs: number;
  /** Shared by every connection: CONNECT keepalive and clean-session flag, and whether QoS 1 deliveries get a PUBACK. */
  readonly session: SessionOptions;
  /** CONNACK accepted and every SUBACK granted. */
  onReady(c: Connection): void;
  /** Setup failed or an established connection broke; `cls` names why. Called once per attempt. */
  onFailed(c: Connection, cls: ErrorClass, detail: string, returnCode?: number): void;
  /** The socket is gone (after onFailed, or after close()). */
  onGone(c: Connection): void;
}

export interface SessionOptions {
  keepaliveS: number;
  clean: boolean;
  /** false: a consumer that never acknowledges QoS 1 deliveries (the broker redelivers them after a reconnect). */
  ackDeliveries: boolean;
}

export type ConnState = 'idle' | 'connecting' | 'mqtt' | 'subscribing' | 'ready' | 'closing' | 'gone';

const CONN = Symbol('load-connection');
type LoadSocket = net.Socket & { [CONN]?: Connection };

export class Connection {
  state: ConnState = 'idle';
  socket: LoadSocket | null = null;
  private pending: Buffer | null = null;
  private startedAt = 0;
  private phaseAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private nextMessageId = 1;
  /** QoS 1 publishes awaiting PUBACK: message id → [stream, seq, sent-at ms]. */
  private inflight: Map<number, [string, number, number]> | null = null;
  failed = false;
  /** Set by the engine at the first ready (a re-connect is not a new client). */
  wasReady = false;
  /** Re-attempts since the connection last broke (the engine's reconnect policy counts them; 0 once ready). */
  retries = 0;
  /** The state close()/destroy() found (the engine's counters need it once the socket is gone). */
  closedFrom: ConnState | null = null;

  constructor(
    readonly owner: ConnectionOwner,
    readonly index: number,
    readonly clientId: string,
    readonly target: Target,
    readonly localAddress: string | undefined,
    readonly filters: readonly string[],
    readonly subQos: LoadQos,
  ) {}

  open(): void {
    this.failed = false;
    this.closedFrom = null;
    this.pending = null;
    this.state = 'connecting';
    this.startedAt = this.phaseAt = performance.now();
    const t = this.target;
    const base = { host: t.host, port: t.port, ...(this.localAddress ? { localAddress: this.localAddress } : {}) };
    const socket: LoadSocket = t.tls
      ? tls.connect({
          ...base,
          ca: t.tls.ca,
          servername: t.tls.servername ?? (net.isIP(t.host) ? undefined : t.host),
          rejectUnauthorized: t.tls.rejectUnauthorized ?? true,
        })
      : net.connect(base);
    socket[CONN] = this;
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', onTcpConnect);
    if (t.tls) socket.on('secureConnect', onSecureConnect);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    this.timer = setTimeout(onPhaseTimeout, this.owner.phaseTimeoutMs, this);
  }

  /** @internal */ tcpConnected(): void {
    const now = performance.now();
    this.owner.histograms.record('tcp', now - this.phaseAt);
    this.phaseAt = now;
    if (!this.target.tls) this.sendConnect();
  }

  /** @internal */ tlsDone(): void {
    const now = performance.now();
    this.owner.histograms.record('tls', now - this.phaseAt);
    this.phaseAt = now;
    this.sendConnect();
  }

  private sendConnect(): void {
    this.state = 'mqtt';
    this.socket!.write(wire.connectPacket(this.clientId, this.owner.session.keepaliveS, this.owner.session.clean));
  }

  /** @internal */ packet(p: Packet): void {
    switch (p.cmd) {
      case 'connack':
        return this.connack(p.returnCode ?? 0);
      case 'suback':
        return this.suback(p.granted);
      case 'publish':
        return this.delivery(p.payload as Buffer, p.qos, p.messageId);
      case 'puback':
        return this.puback(p.messageId);
      case 'pingresp':
        return;
      default:
        return this.fail('protocol', `unexpected ${p.cmd}`);
    }
  }

  private connack(returnCode: number): void {
    if (this.state !== 'mqtt') return this.fail('protocol', 'CONNACK out of turn');
    const now = performance.now();
    if (returnCode !== 0) return this.fail('connack-refused', `CONNACK return code ${returnCode}`, returnCode);
    this.owner.histograms.record('connack', now - this.phaseAt);
    this.phaseAt = now;
    if (this.filters.length === 0) return this.ready();
    this.state = 'subscribing';
    this.socket!.write(wire.subscribePacket(this.takeMessageId(), this.filters, this.subQos));
  }

  private suback(granted: Array<number | object>): void {
    if (this.state !== 'subscribing') return this.fail('protocol', 'SUBACK out of turn');
    if (granted.some((g) => g === 0x80)) return this.fail('suback-refused', 'SUBACK 0x80');
    this.owner.histograms.record('suback', performance.now() - this.phaseAt);
    this.ready();
  }

  private ready(): void {
    this.clearTimer();
    this.state = 'ready';
    this.owner.onReady(this);
  }

  private delivery(payload: Buffer, qos: number, messageId: number | undefined): void {
    const stamp = readPayload(payload);
    if (stamp) this.owner.histograms.record('e2e', epochMs() - stamp.sentAtMs);
    this.owner.ledger.received(this.clientId, stamp);
    if (qos === 1 && messageId !== undefined && this.owner.session.ackDeliveries)
      this.socket?.write(wire.pubackPacket(messageId));
  }

  private puback(messageId: number | undefined): void {
    const entry = messageId === undefined ? undefined : this.inflight?.get(messageId);
    if (!entry) return;
    this.inflight!.delete(messageId!);
    this.owner.histograms.record('puback', performance.now() - entry[2]);
    this.owner.ledger.acked(entry[0], entry[1]);
  }

  private takeMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = id >= 65535 ? 1 : id + 1;
    return id;
  }

  /** Publishes the next message of `stream` (QoS 0: acked once written; QoS 1: on PUBACK). False when not ready. */
  publish(stream: string, topic: string, qos: LoadQos, payload: Buffer, seq: number): boolean {
    if (this.state !== 'ready' || !this.socket) return false;
    if (qos === 0) {
      const ledger = this.owner.ledger;
      this.socket.write(wire.publishPacket(topic, payload, 0, 0), (err) => void (!err && ledger.acked(stream, seq)));
      return true;
    }
    const id = this.takeMessageId();
    (this.inflight ??= new Map()).set(id, [stream, seq, performance.now()]);
    this.socket.write(wire.publishPacket(topic, payload, 1, id));
    return true;
  }

  ping(): void {
    if (this.state === 'ready') this.socket?.write(wire.PINGREQ);
  }

  /** @internal */ fail(cls: ErrorClass, detail: string, returnCode?: number): void {
    if (this.failed || this.state === 'closing' || this.state === 'gone') return;
    this.failed = true;
    this.clearTimer();
    this.owner.onFailed(this, cls, detail, returnCode);
    this.socket?.destroy();
  }

  /** Sends DISCONNECT and ends the socket (destroyed by the engine if it lingers). */
  close(): void {
    this.clearTimer();
    if (!this.socket || this.state === 'gone') return;
    const wasReady = this.state === 'ready';
    this.closedFrom ??= this.failed ? 'gone' : this.state;
    this.state = 'closing';
    if (wasReady) this.socket.end(wire.DISCONNECT);
    else this.socket.destroy();
  }

  destroy(): void {
    this.clearTimer();
    if (this.state === 'gone') return;
    if (this.state !== 'closing') this.closedFrom ??= this.failed ? 'gone' : this.state;
    this.state = 'closing';
    this.socket?.destroy();
  }

  /** @internal */ gone(): void {
    this.clearTimer();
    if (this.socket) this.socket[CONN] = undefined;
    this.socket = null;
    this.inflight = null;
    this.state = 'gone';
    this.owner.onGone(this);
  }

  /** @internal */ feed(chunk: Buffer): void {
    try {
      this.pending = wire.readFrames(this.pending, chunk, (p) => this.packet(p));
    } catch (err) {
      this.fail('protocol', err instanceof Error ? err.message : String(err));
    }
  }

  /** Milliseconds since open() (for the setup timeout message). */
  age(): number {
    return performance.now() - this.startedAt;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
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

function onPhaseTimeout(c: Connection): void {
  c.fail(
    'timeout',
    `no ${c.state === 'subscribing' ? 'SUBACK' : c.state === 'mqtt' ? 'CONNACK' : 'connection'} after ${Math.round(c.age())} ms`,
  );
}
