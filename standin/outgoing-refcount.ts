/**
 * Exact reference counting of queued QoS 1/2 messages (stand-in fix P12).
 *
 * aedes-persistence-redis 11.2.2 stores a message for offline delivery once, as `packet:<broker>:<n>`,
 * with a counter `…:offlineCount` set to the number of persistent subscribers it was queued for, and
 * pushes the key onto each subscriber's `outgoing:<client>` list. Every PUBACK/PUBCOMP runs
 * `outgoingClearMessageId`, which removes the key from that client's list and decrements the counter
 * **whether or not the key was still in the list**; at 0 it deletes the message.
 *
 * A client acknowledges one message more than once whenever it got it twice, which aedes does by design:
 * a persistent client resuming its session while messages are being published receives a message both
 * live (its subscriptions are restored before the offline queue is read) and from its queue, each copy
 * with its own messageId. It also acknowledges messages it was never queued for (a live delivery to a
 * subscription the publishing node does not know yet). Each extra acknowledgement takes a reference that
 * belongs to another subscriber: the message is deleted while that subscriber still has it queued, and
 * when it resumes its session the stale key is skipped — an acknowledged QoS 1 message lost.
 *
 * The fix replaces `outgoingClearMessageId` (and records in `outgoingUpdate` which stored message a
 * client's messageId refers to, as the library's private cache does): the counter is decremented by the
 * number of entries really removed from this client's list, so one subscriber can release only its own
 * references. Key names follow aedes-persistence-redis 11.2.2 (asyncPersistence.js).
 */
import type { Redis } from 'ioredis';

/** The fields of an outgoing publish or pubrel packet this module reads. */
export interface OutgoingPacket {
  cmd?: string;
  messageId?: number;
  brokerId?: string;
  brokerCounter?: number | string;
}

export interface OutgoingClient {
  id: string;
}

/** The promise API aedes 1.2 calls on the persistence (aedes-persistence-redis' async instance). */
interface AsyncOutgoing {
  outgoingUpdate(client: OutgoingClient, packet: OutgoingPacket): Promise<void>;
  outgoingClearMessageId(client: OutgoingClient, packet: OutgoingPacket): Promise<OutgoingPacket | undefined>;
}

/** What `aedes-persistence-redis()` returns: a callback wrapper that delegates to `asyncPersistence`. */
interface CallbackWrapper {
  asyncPersistence: AsyncOutgoing;
}

/** A delivery awaiting its acknowledgement: the stored message it refers to. */
interface InFlight {
  brokerId: string;
  brokerCounter: string;
  /** QoS 2 after PUBREC: the list entry is `outgoing:<client>:<broker>:<n>` (the stored PUBREL). */
  pubrel: boolean;
  packet: OutgoingPacket;
}

/** Bound on remembered unacknowledged deliveries (oldest dropped first; its ack then only leaves it queued). */
const MAX_IN_FLIGHT = 20_000;

const outgoingKey = (clientId: string): string => `outgoing:${encodeURIComponent(clientId)}`;
const packetKey = (f: InFlight): string => `packet:${f.brokerId}:${f.brokerCounter}`;
const countKey = (f: InFlight): string => `${packetKey(f)}:offlineCount`;
const pubrelKey = (clientId: string, f: InFlight): string =>
  `${outgoingKey(clientId)}:${f.brokerId}:${f.brokerCounter}`;

export class OutgoingRefCount {
  readonly #inFlight = new Map<string, InFlight>();

  constructor(private readonly db: Redis) {}

  /** Remembers which stored message `packet.messageId` refers to for this client (after the library's update). */
  noteUpdate(client: OutgoingClient, packet: OutgoingPacket): void {
    if (packet.messageId === undefined || packet.brokerId === undefined || packet.brokerCounter === undefined) return;
    const key = inFlightKey(client, packet.messageId);
    this.#inFlight.delete(key);
    this.#inFlight.set(key, {
      brokerId: String(packet.brokerId),
      brokerCounter: String(packet.brokerCounter),
      pubrel: packet.cmd === 'pubrel',
      packet,
    });
    if (this.#inFlight.size > MAX_IN_FLIGHT) this.#inFlight.delete(this.#inFlight.keys().next().value!);
  }

  /** PUBACK/PUBCOMP: drops this client's references to the message and the message once nobody holds one. */
  async clear(client: OutgoingClient, packet: OutgoingPacket): Promise<OutgoingPacket | undefined> {
    if (packet.messageId === undefined) return undefined;
    const key = inFlightKey(client, packet.messageId);
    const f = this.#inFlight.get(key);
    this.#inFlight.delete(key);
    if (!f) return undefined;
    const list = outgoingKey(client.id);
    let removed = await this.db.lrem(list, 0, packetKey(f));
    if (f.pubrel) {
      removed += await this.db.lrem(list, 0, pubrelKey(client.id, f));
      await this.db.del(pubrelKey(client.id, f));
    }
    if (removed > 0) {
      const left = await this.db.decrby(countKey(f), removed);
      if (left <= 0) await this.db.del(packetKey(f), countKey(f));
    }
    return { ...f.packet, messageId: packet.messageId };
  }
}

function inFlightKey(client: OutgoingClient, messageId: number): string {
  return `${encodeURIComponent(client.id)}:${messageId}`;
}

/**
 * Installs exact reference counting on an aedes-persistence-redis 11.x instance whose Redis connection is
 * `db`; returns the same instance.
 */
export function withExactOutgoingRefCount<P>(persistence: P, db: Redis): P {
  const inner = (persistence as unknown as CallbackWrapper).asyncPersistence;
  if (typeof inner?.outgoingUpdate !== 'function' || typeof inner.outgoingClearMessageId !== 'function') {
    throw new Error('withExactOutgoingRefCount: not an aedes-persistence-redis 11.x instance');
  }
  const refs = new OutgoingRefCount(db);
  const update = inner.outgoingUpdate.bind(inner);
  inner.outgoingUpdate = async function outgoingUpdateNoted(client, packet) {
    await update(client, packet);
    refs.noteUpdate(client, packet);
  };
  inner.outgoingClearMessageId = function outgoingClearExact(client, packet) {
    return refs.clear(client, packet);
  };
  return persistence;
}
