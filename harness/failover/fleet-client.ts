/**
 * One failover-fleet member's MQTT client as the scenarios and the steady stream use it, behind one interface with
 * two implementations: the load engine's lean connection (engine-client.ts, the default) and MQTT.js
 * (mqttjs-client.ts; also used where the engine cannot go: clients routed over WebSocket), chosen by the profile's
 * `thresholds.failover.client`. Both auto-reconnect at a fixed period, keep MQTT.js' keepalive, queue publishes while
 * disconnected and resend unacknowledged QoS 1/2 after a reconnect, and record the same client events
 * (client-events.ts: attempt, connack, close, error).
 * The engine's extra QoS 0 loss once seen in slow-node and lossy-link was its keepalive counting received PUBLISHes
 * as heard: a QoS 0 subscriber then sent nothing and the broker closed it at 1.5 × keepalive (harness/load/keepalive.ts).
 * Other QoS 0 differences between the two are placement: a QoS 0 subscriber on the faulted node loses what is sent
 * until it reconnects, whichever client it is, and the two clients' connect timing places subscribers differently.
 */
import type { ClientEvents } from './client-events.js';

export type FleetQos = 0 | 1 | 2;
/** `engine`: harness/load's connection (mqtt-packet); `mqttjs`: MQTT.js. */
export type FleetClientKind = 'engine' | 'mqttjs';
export const FLEET_CLIENT_KINDS = ['engine', 'mqttjs'] as const satisfies readonly FleetClientKind[];

export interface FleetWill {
  topic: string;
  payload: Buffer;
  qos: FleetQos;
  retain: boolean;
}

export interface FleetClientOptions {
  clientId: string;
  /** Source address (127.0.2.x). */
  localAddress: string;
  clean: boolean;
  /** PINGREQ after this long without a packet from the broker; the link is dead after 1.5 × (MQTT.js). */
  keepaliveS: number;
  /** Fixed wait after a close before the next attempt (MQTT.js reconnectPeriod; no backoff). */
  reconnectPeriodMs: number;
  /** Attempt start → CONNACK, else the attempt is abandoned ("connack timeout"). */
  connectTimeoutMs: number;
  will?: FleetWill;
}

export type MessageHandler = (topic: string, payload: Buffer) => void;

export interface FleetClient {
  readonly kind: FleetClientKind;
  /** CONNACK received and the connection still up. */
  readonly connected: boolean;
  /** 'connected', 'reconnecting' or 'disconnected' (for messages). */
  describe(): string;
  /** Resolves at SUBACK (rejects when refused); sent at the next connect while disconnected. */
  subscribe(filter: string, qos: FleetQos): Promise<void>;
  /** Never waits; queued while disconnected. `done`: acknowledged (QoS 0 written, 1 PUBACK, 2 PUBCOMP), or an error
   *  when the client ended first. */
  publish(topic: string, payload: Buffer | string, qos: FleetQos, done?: (err?: Error) => void): void;
  onMessage(h: MessageHandler): void;
  offMessage(h: MessageHandler): void;
  /** Ends at once (no DISCONNECT, as MQTT.js' end(true)); no reconnect after. */
  end(): Promise<void>;
}

/** What an implementation gets: its options and where to record its events. */
export interface FleetClientSpec {
  options: FleetClientOptions;
  events: ClientEvents;
}
