/**
 * Acknowledges a client's QoS 1 PUBLISH only once the message is stored and routed (stand-in fix P13).
 *
 * aedes 1.2 handles an inbound QoS 1 PUBLISH as `authorizePublish`, then *write PUBACK*, then
 * `broker.publish` (lib/handlers/publish.js), which stores the message in the Redis queue of every persistent
 * subscriber (`enqueueOffline`: one SET plus one RPUSH per subscriber, awaited one after the other) and only
 * then publishes it on Redis pub/sub. A node that dies (SIGKILL, OOM, power) after the PUBACK and before
 * those Redis commands went out has acknowledged a message that exists nowhere: every subscriber loses it,
 * including the persistent sessions that resume on another node. Under a steady stream the node's event loop
 * lags its socket writes, so a kill loses tens to hundreds of acknowledged messages at once.
 *
 * The fix runs the whole `broker.publish` inside the `authorizePublish` hook, which aedes awaits before it
 * writes the PUBACK; the publish aedes then starts for the same packet object is skipped. A failed publish
 * is an authorization error, so the connection closes without a PUBACK and the client sends the message
 * again (at least once, as QoS 1 promises). QoS 2 already stores the message before its PUBREC; QoS 0, Wills
 * and the broker's own messages are untouched. PUBACKs now trail the Redis round trips (a slower publisher,
 * no lost acknowledged messages).
 */
import type { Aedes, AedesOptions, Client, PublishPacket } from 'aedes';

type AuthorizePublishHandler = NonNullable<AedesOptions['authorizePublish']>;

type PublishDone = (error?: Error) => void;
type Publish = (packet: PublishPacket, client: Client | null, done?: PublishDone) => void;

/** aedes' default rule for client publishes: `$SYS/` is reserved for the brokers. */
const SYS_PREFIX = '$SYS/';

export class StoreBeforePuback {
  /** Wire packets already published from `authorizePublish`; aedes' own publish of them is skipped. */
  readonly #published = new WeakSet<object>();
  #publish: Publish | undefined;

  /** The `authorizePublish` option for `Aedes.createBroker` (keeps aedes' default `$SYS/` rule). */
  readonly authorizePublish: AuthorizePublishHandler = (client, packet, callback) => {
    if (packet.topic.startsWith(SYS_PREFIX)) return callback(new Error(`${SYS_PREFIX} topic is reserved`));
    const publish = this.#publish;
    // Only a client's QoS 1 PUBLISH (a Will or the Will sweeper's packet has no messageId).
    if (!publish || !client || packet.qos !== 1 || packet.cmd !== 'publish' || packet.messageId === undefined) {
      return callback(null);
    }
    const published = this.#published;
    publish(packet, client, function onStoredAndRouted(err) {
      if (!err) published.add(packet);
      callback(err ?? null);
    });
  };

  /** Call once on the created broker: wraps `broker.publish` so a packet published early is not published twice. */
  install(broker: Aedes): void {
    const b = broker as unknown as { publish: Publish };
    const original = b.publish.bind(broker);
    const published = this.#published;
    this.#publish = original;
    b.publish = function publishUnlessDone(packet, client, done) {
      if (!published.has(packet)) return original(packet, client, done);
      published.delete(packet);
      const cb = typeof client === 'function' ? (client as PublishDone) : done;
      if (cb) setImmediate(cb);
    };
  }
}
