/**
 * One load-engine MQTT connection: TCP (or TLS) from a chosen source address → CONNECT → CONNACK → SUBSCRIBE →
 * SUBACK, then QoS 0/1/2 publishing and receiving (QoS state in outbox.ts), optionally with a will, MQTT.js' keepalive
 * watchdog (keepalive.ts) and a resend of unacknowledged publishes after a reconnect. Socket events go to
 * module-level named handlers that find their connection through one symbol-keyed property, so a connection costs
 * its socket plus one small object (no per-connection closures or parser; see README.md for the measurement).
 */
import type { Packet } from 'mqtt-packet';
import type { ErrorClass } from './errors.js';
import type { ConnectionOwner, SessionOptions, Target } from './owner.js';
import { connectSocket, detachSocket, type LoadSocket } from './socket.js';
import { Outbox } from './outbox.js';
import { armKeepalive, heard, type KeepaliveState } from './keepalive.js';
import { epochMs, readPayload } from './payload.js';
import * as wire from './wire.js';

export type { ConnectionOwner, SessionOptions, Target } from './owner.js';

export type ConnState = 'idle' | 'connecting' | 'mqtt' | 'subscribing' | 'ready' | 'closing' | 'gone';

export class Connection {
  state: ConnState = 'idle';
  socket: LoadSocket | null = null;
  private pending: Buffer | null = null;
  private startedAt = 0;
  private phaseAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** QoS 1/2 state; created at the first QoS 1/2 packet. */
  private outbox: Outbox | null = null;
  private nextMessageId = 1;
  /** @internal */ readonly keepalive: KeepaliveState = { heardAt: 0, timer: null };
  /** The last CONNACK's session-present flag. */
  sessionPresent = false;
  failed = false;
  /** Set by the engine at the first ready (a re-connect is not a new client). */
  wasReady = false;
  /** Re-attempts since the connection last broke (the engine's reconnect policy counts them; 0 once ready). */
  retries = 0;
  /** The state close()/destroy() found (the engine's counters need it once the socket is gone). */
  closedFrom: ConnState | null = null;

  constructor(
    readonly owner: ConnectionOwner<Connection>,
    readonly index: number,
    readonly clientId: string,
    readonly target: Target,
    readonly localAddress: string | undefined,
    readonly filters: readonly string[],
    readonly subQos: wire.WireQos,
    readonly session: SessionOptions = owner.session,
  ) {}

  open(): void {
    this.failed = false;
    this.closedFrom = null;
    this.pending = null;
    this.state = 'connecting';
    this.startedAt = this.phaseAt = performance.now();
    this.socket = connectSocket(this);
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
    const s = this.session;
    this.socket!.write(wire.connectPacket(this.clientId, s.keepaliveS, s.clean, s.will));
  }

  /** @internal */ packet(p: Packet): void {
    heard(this.keepalive, p.cmd);
    switch (p.cmd) {
      case 'connack':
        return this.connack(p.returnCode ?? 0, p.sessionPresent);
      case 'suback':
        return this.suback(p.granted, p.messageId);
      case 'publish':
        return this.delivery(p.topic, p.payload as Buffer, p.qos, p.messageId);
      case 'puback':
        return this.done(this.outbox?.complete(p.messageId, 1));
      case 'pubrec':
        return this.pubrec(p.messageId);
      case 'pubrel':
        return this.pubrel(p.messageId);
      case 'pubcomp':
        return this.done(this.outbox?.complete(p.messageId, 2));
      case 'pingresp':
        return;
      default:
        return this.fail('protocol', `unexpected ${p.cmd}`);
    }
  }

  private connack(returnCode: number, sessionPresent: boolean): void {
    if (this.state !== 'mqtt') return this.fail('protocol', 'CONNACK out of turn');
    const now = performance.now();
    if (returnCode !== 0) return this.fail('connack-refused', `CONNACK return code ${returnCode}`, returnCode);
    this.owner.histograms.record('connack', now - this.phaseAt);
    this.phaseAt = now;
    this.sessionPresent = sessionPresent;
    // Incoming QoS 2 state belongs to the session: gone unless the broker resumed it (MQTT.js does the same).
    if (this.session.clean || !sessionPresent) this.outbox?.held.clear();
    if (this.session.watchdog && this.session.keepaliveS > 0) armKeepalive(this);
    for (const b of this.session.resend ? (this.outbox?.resend() ?? []) : []) this.socket!.write(b);
    if (this.filters.length === 0) return this.ready();
    this.state = 'subscribing';
    this.socket!.write(wire.subscribePacket(this.takeMessageId(), this.filters, this.subQos));
  }

  private suback(granted: Array<number | object>, messageId: number | undefined): void {
    if (this.state === 'ready' && this.owner.onSuback && messageId !== undefined)
      return this.owner.onSuback(this, messageId, granted);
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

  private delivery(topic: string, payload: Buffer, qos: number, messageId: number | undefined): void {
    if (qos === 2 && messageId !== undefined) {
      (this.outbox ??= new Outbox()).held.set(messageId, { topic, payload });
      this.socket?.write(wire.qos2Packet('pubrec', messageId));
      return;
    }
    this.deliver(topic, payload, qos === 1 ? 1 : 0);
    if (qos === 1 && messageId !== undefined && this.session.ackDeliveries)
      this.socket?.write(wire.pubackPacket(messageId));
  }

  private deliver(topic: string, payload: Buffer, qos: wire.WireQos): void {
    const stamp = readPayload(payload);
    if (stamp) this.owner.histograms.record('e2e', epochMs() - stamp.sentAtMs);
    this.owner.ledger.received(this.clientId, stamp);
    this.owner.onMessage?.(this, topic, payload, qos);
  }

  private pubrel(messageId: number | undefined): void {
    if (messageId === undefined) return;
    const held = this.outbox?.held.get(messageId);
    if (held) {
      this.outbox!.held.delete(messageId);
      this.deliver(held.topic, held.payload, 2);
    }
    this.socket?.write(wire.qos2Packet('pubcomp', messageId));
  }

  private pubrec(messageId: number | undefined): void {
    if (messageId === undefined) return;
    this.outbox?.received(messageId);
    this.socket?.write(wire.qos2Packet('pubrel', messageId));
  }

  private done(e: { stream: string; seq: number; at: number } | undefined): void {
    if (!e) return;
    this.owner.histograms.record('puback', performance.now() - e.at);
    this.acked(e.stream, e.seq);
  }

  private acked(stream: string, seq: number): void {
    this.owner.ledger.acked(stream, seq);
    this.owner.onAcked?.(this, stream, seq);
  }

  /** A message id free of publishes in flight (SUBSCRIBEs take one too). */
  takeMessageId(): number {
    for (let n = 0; n < 65535; n++) {
      const id = this.nextMessageId;
      this.nextMessageId = id >= 65535 ? 1 : id + 1;
      if (!this.outbox?.outgoing.has(id)) return id;
    }
    throw new Error('no free MQTT message id (65535 publishes in flight)');
  }

  /** Publishes the next message of `stream` (acked: QoS 0 once written, QoS 1 on PUBACK, QoS 2 on PUBCOMP). False
   *  when not ready. */
  publish(stream: string, topic: string, qos: wire.WireQos, payload: Buffer, seq: number): boolean {
    if (this.state !== 'ready' || !this.socket) return false;
    if (qos === 0) {
      this.socket.write(wire.publishPacket(topic, payload, 0, 0), (err) => void (!err && this.acked(stream, seq)));
      return true;
    }
    const id = this.takeMessageId();
    const packet = wire.publishPacket(topic, payload, qos, id);
    const at = performance.now();
    (this.outbox ??= new Outbox()).outgoing.set(id, {
      stream,
      seq,
      at,
      qos,
      packet: this.session.resend ? packet : null,
      released: false,
    });
    this.socket.write(packet);
    return true;
  }

  /** SUBSCRIBE once ready (SUBACK goes to owner.onSuback); the message id, or undefined when not ready. */
  subscribe(filter: string, qos: wire.WireQos): number | undefined {
    if (this.state !== 'ready' || !this.socket) return undefined;
    const id = this.takeMessageId();
    this.socket.write(wire.subscribePacket(id, [filter], qos));
    return id;
  }

  ping(): void {
    if (this.state === 'ready') this.socket?.write(wire.PINGREQ);
  }

  /** @internal */ fail(cls: ErrorClass, detail: string, returnCode?: number): void {
    if (this.failed || this.state === 'closing' || this.state === 'gone') return;
    this.failed = true;
    this.stopTimers();
    this.owner.onFailed(this, cls, detail, returnCode);
    this.socket?.destroy();
  }

  /** Sends DISCONNECT and ends the socket (destroyed by the engine if it lingers). */
  close(): void {
    this.stopTimers();
    if (!this.socket || this.state === 'gone') return;
    const wasReady = this.state === 'ready';
    this.closedFrom ??= this.failed ? 'gone' : this.state;
    this.state = 'closing';
    if (wasReady) this.socket.end(wire.DISCONNECT);
    else this.socket.destroy();
  }

  destroy(): void {
    this.stopTimers();
    if (this.state === 'gone') return;
    if (this.state !== 'closing') this.closedFrom ??= this.failed ? 'gone' : this.state;
    this.state = 'closing';
    this.socket?.destroy();
  }

  /** @internal */ gone(): void {
    this.stopTimers();
    if (this.socket) detachSocket(this.socket);
    this.socket = null;
    if (!this.session.resend) this.outbox = null;
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

  private stopTimers(): void {
    this.clearTimer();
    if (this.keepalive.timer) clearTimeout(this.keepalive.timer);
    this.keepalive.timer = null;
  }
}

function onPhaseTimeout(c: Connection): void {
  c.fail(
    'timeout',
    `no ${c.state === 'subscribing' ? 'SUBACK' : c.state === 'mqtt' ? 'CONNACK' : 'connection'} after ${Math.round(c.age())} ms`,
  );
}
