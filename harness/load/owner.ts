/** What a load-engine connection needs of its surroundings: its target, its owner (the engine, or the failover fleet)
 * and its session options. */
import type { ErrorClass } from './errors.js';
import type { PhaseHistograms } from './histograms.js';
import type { LoadLedger } from './ledger.js';
import type * as wire from './wire.js';

export interface Target {
  host: string;
  port: number;
  /** MQTT over TLS: the CA to verify with (PEM) and the name to check; rejectUnauthorized false skips checks. */
  tls?: { ca?: string | Buffer; servername?: string; rejectUnauthorized?: boolean };
}

/** What a connection reports to, shared by every connection of one engine. */
/** `C` is the connection type (harness/load/connection.ts Connection; a parameter here so this file needs no import
 * of it). */
export interface ConnectionOwner<C = unknown> {
  readonly histograms: PhaseHistograms;
  readonly ledger: LoadLedger;
  readonly phaseTimeoutMs: number;
  /** Shared by every connection: CONNECT keepalive and clean-session flag, and whether QoS 1 deliveries get a PUBACK. */
  readonly session: SessionOptions;
  /** CONNACK accepted and every SUBACK granted. */
  onReady(c: C): void;
  /** Setup failed or an established connection broke; `cls` names why. Called once per attempt. */
  onFailed(c: C, cls: ErrorClass, detail: string, returnCode?: number): void;
  /** The socket is gone (after onFailed, or after close()). */
  onGone(c: C): void;
  /** A delivery (QoS 2: once, at PUBREL), for owners that hand messages on (the failover fleet). */
  onMessage?(c: C, topic: string, payload: Buffer, qos: wire.WireQos): void;
  /** A publish is done: QoS 0 written, QoS 1 PUBACK, QoS 2 PUBCOMP. */
  onAcked?(c: C, stream: string, seq: number): void;
  /** SUBACK of a SUBSCRIBE sent by subscribe() once ready. */
  onSuback?(c: C, messageId: number, granted: Array<number | object>): void;
}

export interface SessionOptions {
  keepaliveS: number;
  clean: boolean;
  /** false: a consumer that never acknowledges QoS 1 deliveries (the broker redelivers them after a reconnect). */
  ackDeliveries: boolean;
  will?: wire.WillMessage;
  /** MQTT.js' keepalive: PINGREQ after keepaliveS without a packet from the peer, the link dead after 1.5 × (a timer
   *  per connection; without it the owner pings on its own schedule and a dead link goes unnoticed). */
  watchdog?: boolean;
  /** Keep unacknowledged QoS 1/2 publishes across a break and write them again after the next CONNACK (MQTT.js). */
  resend?: boolean;
}
