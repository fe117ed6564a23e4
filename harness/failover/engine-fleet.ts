/**
 * The owner of a failover fleet's load-engine connections (harness/load ConnectionOwner): creates one
 * EngineFleetClient per member and routes each connection's callbacks to it. Deliveries are accounted by the
 * steady stream's ledger (harness/failover/traffic.ts), so this owner's own ledger stays empty.
 */
import { Connection } from '../load/connection.js';
import type { ConnectionOwner, SessionOptions, Target } from '../load/owner.js';
import type { ErrorClass } from '../load/errors.js';
import { PhaseHistograms } from '../load/histograms.js';
import { LoadLedger } from '../load/ledger.js';
import type { WireQos } from '../load/wire.js';
import { EngineFleetClient } from './engine-client.js';
import type { FleetClientSpec } from './fleet-client.js';

export class EngineFleet implements ConnectionOwner<Connection> {
  /** tcp and connack times of every attempt (µs histograms). */
  readonly histograms = new PhaseHistograms();
  readonly ledger = new LoadLedger();
  readonly session: SessionOptions = { keepaliveS: 0, clean: true, ackDeliveries: true };
  private readonly clients: EngineFleetClient[] = [];

  constructor(
    private readonly target: Target,
    /** MQTT.js' connectTimeout: open → CONNACK. */
    readonly phaseTimeoutMs: number,
  ) {}

  /** A client for `spec` (not connecting yet: start() it). */
  add({ options: o, events }: FleetClientSpec): EngineFleetClient {
    const session: SessionOptions = {
      keepaliveS: o.keepaliveS,
      clean: o.clean,
      ackDeliveries: true,
      watchdog: true,
      resend: true,
      ...(o.will ? { will: o.will } : {}),
    };
    const conn = new Connection(this, this.clients.length, o.clientId, this.target, o.localAddress, [], 0, session);
    const client = new EngineFleetClient(conn, o, events);
    this.clients.push(client);
    return client;
  }

  private of(c: Connection): EngineFleetClient {
    return this.clients[c.index]!;
  }

  onReady(c: Connection): void {
    this.of(c).ready();
  }

  onFailed(c: Connection, cls: ErrorClass, detail: string, returnCode?: number): void {
    this.of(c).failed(cls, detail, returnCode);
  }

  onGone(c: Connection): void {
    this.of(c).gone();
  }

  onMessage(c: Connection, topic: string, payload: Buffer, _qos: WireQos): void {
    this.of(c).message(topic, payload);
  }

  onAcked(c: Connection, _stream: string, seq: number): void {
    this.of(c).acked(seq);
  }

  onSuback(c: Connection, messageId: number, granted: Array<number | object>): void {
    this.of(c).suback(messageId, granted);
  }
}
