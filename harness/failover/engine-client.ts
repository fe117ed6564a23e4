/**
 * The load-engine implementation of a fleet client (harness/failover/fleet-client.ts): one harness/load Connection
 * (mqtt-packet, QoS 0/1/2, will, MQTT.js' keepalive watchdog, resend of unacknowledged QoS 1/2 after a reconnect)
 * plus what MQTT.js adds around its stream: a fixed-period reconnect (harness/load/reconnect.ts), an offline queue,
 * re-subscription when the session was not resumed, and the client events at the moments MQTT.js emits them.
 */
import type { Connection } from '../load/connection.js';
import type { ErrorClass } from '../load/errors.js';
import { reconnectDelay, type ReconnectPolicy } from '../load/reconnect.js';
import type { ClientEvents } from './client-events.js';
import type { FleetClient, FleetClientOptions, FleetQos, MessageHandler } from './fleet-client.js';

interface PendingSubscribe {
  filter: string;
  qos: FleetQos;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** MQTT.js' messages for CONNACK return codes 1–5. */
const REFUSED: Record<number, string> = {
  1: 'Unacceptable protocol version',
  2: 'Identifier rejected',
  3: 'Server unavailable',
  4: 'Bad username or password',
  5: 'Not authorized',
};

/** What MQTT.js reports as an 'error' for a failed or broken connection; undefined where it only closes. */
export function mqttJsError(cls: ErrorClass, detail: string, returnCode?: number): string | undefined {
  if (cls === 'closed' || cls === 'closed-before-connack') return undefined;
  if (cls === 'timeout') return 'connack timeout';
  if (cls === 'keepalive') return 'Keepalive timeout';
  if (cls === 'connack-refused')
    return `Connection refused: ${REFUSED[returnCode ?? -1] ?? `return code ${returnCode}`}`;
  return detail;
}

export class EngineFleetClient implements FleetClient {
  readonly kind = 'engine';
  private readonly handlers = new Set<MessageHandler>();
  private readonly subscriptions = new Map<string, FleetQos>();
  /** SUBSCRIBEs not yet sent (disconnected), and sent ones by message id. */
  private unsent: PendingSubscribe[] = [];
  private readonly sent = new Map<number, PendingSubscribe>();
  /** Publishes while disconnected, written at the next CONNACK (MQTT.js' queue, QoS 0 included). */
  private readonly queue: Array<{ topic: string; payload: Buffer; qos: FleetQos; token: number }> = [];
  private readonly callbacks = new Map<number, (err?: Error) => void>();
  /** QoS 0 publishes written but not yet flushed: failed at a close, as MQTT.js flushes its volatile ones. */
  private readonly volatile = new Set<number>();
  private nextToken = 0;
  private firstConnection = true;
  private ending = false;
  private retry: NodeJS.Timeout | null = null;
  private whenGone: (() => void) | null = null;
  private readonly policy: ReconnectPolicy;

  constructor(
    readonly conn: Connection,
    private readonly options: FleetClientOptions,
    private readonly events: ClientEvents,
  ) {
    this.policy = { delayMs: options.reconnectPeriodMs };
  }

  get connected(): boolean {
    return this.conn.state === 'ready';
  }

  describe(): string {
    return this.connected ? 'connected' : this.ending ? 'disconnected' : 'reconnecting';
  }

  /** The first attempt (no 'attempt' event: MQTT.js emits 'reconnect' for re-attempts only). */
  start(): void {
    this.open();
  }

  private open(): void {
    try {
      this.conn.open();
    } catch (err) {
      // a synchronous socket failure (EMFILE): reported like the socket's error, then retried
      this.events.record('error', { detail: err instanceof Error ? err.message : String(err) });
      this.events.record('close');
      this.scheduleRetry();
    }
  }

  /** @internal CONNACK 0 (the packet's arrival; this client replays in-flight messages without holding it back). */
  ready(): void {
    this.events.record('connack-wire', { sessionPresent: this.conn.sessionPresent });
    this.events.record('connack', { sessionPresent: this.conn.sessionPresent });
    const resumed = !this.options.clean && this.conn.sessionPresent;
    const again = this.firstConnection || resumed ? [] : [...this.subscriptions];
    this.firstConnection = false;
    for (const [filter, qos] of again)
      if (!this.unsent.some((p) => p.filter === filter)) this.conn.subscribe(filter, qos);
    for (const p of this.unsent.splice(0)) this.sendSubscribe(p);
    for (const q of this.queue.splice(0)) this.write(q.topic, q.payload, q.qos, q.token);
  }

  /** @internal */ failed(cls: ErrorClass, detail: string, returnCode?: number): void {
    const message = mqttJsError(cls, detail, returnCode);
    if (message !== undefined) this.events.record('error', { detail: message });
  }

  /** @internal The connection's socket closed. */
  gone(): void {
    this.events.record('close');
    for (const token of this.volatile) this.settle(token, new Error('Connection closed'));
    this.volatile.clear();
    this.unsent.push(...this.sent.values());
    this.sent.clear();
    if (this.ending) {
      this.whenGone?.();
      return;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.ending || this.options.reconnectPeriodMs <= 0) return;
    this.retry = setTimeout(
      () => {
        this.retry = null;
        if (this.ending) return;
        this.events.record('attempt');
        this.open();
      },
      reconnectDelay(this.policy, 1),
    );
  }

  /** @internal */ message(topic: string, payload: Buffer): void {
    for (const h of this.handlers) h(topic, payload);
  }

  /** @internal */ acked(token: number): void {
    this.volatile.delete(token);
    this.settle(token);
  }

  private settle(token: number, err?: Error): void {
    const cb = this.callbacks.get(token);
    this.callbacks.delete(token);
    cb?.(err);
  }

  /** @internal */ suback(messageId: number, granted: Array<number | object>): void {
    const p = this.sent.get(messageId);
    if (!p) return;
    this.sent.delete(messageId);
    if (granted.some((g) => g === 0x80)) p.reject(new Error(`subscription to ${p.filter} refused`));
    else p.resolve();
  }

  private sendSubscribe(p: PendingSubscribe): void {
    const id = this.conn.subscribe(p.filter, p.qos);
    if (id === undefined) this.unsent.push(p);
    else this.sent.set(id, p);
  }

  subscribe(filter: string, qos: FleetQos): Promise<void> {
    this.subscriptions.set(filter, qos);
    return new Promise((resolve, reject) => this.sendSubscribe({ filter, qos, resolve, reject }));
  }

  publish(topic: string, payload: Buffer | string, qos: FleetQos, done?: (err?: Error) => void): void {
    const token = this.nextToken++;
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (this.ending) return done?.(new Error('client disconnecting'));
    if (done) this.callbacks.set(token, done);
    if (!this.write(topic, body, qos, token)) this.queue.push({ topic, payload: body, qos, token });
  }

  private write(topic: string, payload: Buffer, qos: FleetQos, token: number): boolean {
    if (!this.conn.publish(this.options.clientId, topic, qos, payload, token)) return false;
    if (qos === 0) this.volatile.add(token);
    return true;
  }

  onMessage(h: MessageHandler): void {
    this.handlers.add(h);
  }

  offMessage(h: MessageHandler): void {
    this.handlers.delete(h);
  }

  end(): Promise<void> {
    this.ending = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const gone =
      this.conn.state === 'gone' || this.conn.state === 'idle'
        ? Promise.resolve()
        : new Promise<void>((r) => {
            this.whenGone = r;
            this.conn.destroy();
          });
    return gone.then(() => {
      const err = new Error('client disconnecting');
      for (const cb of this.callbacks.values()) cb(err);
      this.callbacks.clear();
      for (const p of [...this.unsent.splice(0), ...this.sent.values()]) p.reject(err);
      this.sent.clear();
    });
  }
}
