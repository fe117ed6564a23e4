/**
 * A load-engine connection's QoS 1/2 state: outgoing publishes awaiting PUBACK / PUBREC / PUBCOMP (kept across a
 * break when the connection resends, as MQTT.js' outgoing store does) and incoming QoS 2 messages awaiting PUBREL
 * (delivered once, at PUBREL, as MQTT.js does; dropped when the broker did not resume the session).
 */
import * as wire from './wire.js';

export interface OutgoingPublish {
  stream: string;
  seq: number;
  /** performance.now() when first written. */
  at: number;
  qos: 1 | 2;
  /** The PUBLISH as written (kept only when the connection resends after a reconnect). */
  packet: Buffer | null;
  /** QoS 2: PUBREC came and PUBREL went out; awaiting PUBCOMP. */
  released: boolean;
}

export interface HeldMessage {
  topic: string;
  payload: Buffer;
}

export class Outbox {
  readonly outgoing = new Map<number, OutgoingPublish>();
  /** Incoming QoS 2 by message id, between PUBLISH (PUBREC sent) and PUBREL. */
  readonly held = new Map<number, HeldMessage>();

  /** PUBACK (`ack` 1) or PUBCOMP (`ack` 2): the publish is done; undefined for an id not in flight. A PUBACK also
   *  completes a QoS 2 publish not yet released: the broker downgraded it to QoS 1 (RabbitMQ 3.10 answers a QoS 2
   *  PUBLISH with PUBACK), and MQTT.js completes it the same way (handlers/ack.ts removes the outgoing at PUBACK). */
  complete(id: number | undefined, ack: 1 | 2): OutgoingPublish | undefined {
    const e = id === undefined ? undefined : this.outgoing.get(id);
    if (!e) return undefined;
    const done = ack === 2 ? e.qos === 2 && e.released : e.qos === 1 || !e.released;
    if (!done) return undefined;
    this.outgoing.delete(id!);
    return e;
  }

  /** PUBREC: true when a QoS 2 publish of ours was waiting for it (PUBREL is sent either way, as MQTT 3.1.1 asks). */
  received(id: number | undefined): boolean {
    const e = id === undefined ? undefined : this.outgoing.get(id);
    if (!e || e.qos !== 2) return false;
    e.released = true;
    e.packet = null;
    return true;
  }

  /** What to write again after a reconnect, oldest first: PUBLISH with DUP, or PUBREL for a released QoS 2. */
  resend(): Buffer[] {
    const out: Buffer[] = [];
    for (const [id, e] of this.outgoing)
      if (e.released) out.push(wire.qos2Packet('pubrel', id));
      else if (e.packet) out.push(wire.withDup(e.packet));
    return out;
  }

  /** The connection does not resend: everything in flight is forgotten at a break. */
  clear(): void {
    this.outgoing.clear();
    this.held.clear();
  }
}
