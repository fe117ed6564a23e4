/**
 * Holds deliveries to a connecting client until its CONNACK has been written (stand-in fix P11).
 *
 * aedes 1.2 restores a persistent session's subscriptions *before* it writes CONNACK
 * (connectActions: fetchSubs, restoreSubs, storeWill, registerClient, cleanIncoming, doConnack).
 * A message routed in that window (a few ms of Redis round trips) is written before CONNACK,
 * and MQTT.js then drops the connection ("connack timeout"). Seen when a persistent client
 * reconnects on another node while messages for it are still in flight through Redis.
 *
 * aedes' subscribe handler captures `client.deliver0`/`client.deliverQoS` when it subscribes,
 * so replacing both in preConnect (before restoreSubs) gates every subscription of the client.
 */
import type { Client } from 'aedes';

type Deliver = (packet: unknown, done: () => void) => void;

/** What aedes keeps on a client that its typings omit. */
interface DeliveryInternals {
  deliver0: Deliver;
  deliverQoS: Deliver;
  connackSent: boolean;
}

export class ConnackGates {
  readonly #open = new WeakMap<Client, () => void>();

  /** Call from preConnect, before aedes restores the client's subscriptions. */
  install(client: Client): void {
    const c = client as Client & DeliveryInternals;
    const held: Array<() => void> = [];
    let isOpen = false;
    const openGate = (): void => {
      if (isOpen) return;
      isOpen = true;
      this.#open.delete(client);
      for (const deliverHeld of held.splice(0)) deliverHeld();
    };
    const gate = (deliver: Deliver): Deliver =>
      function gatedDeliver(packet, done) {
        if (isOpen || c.connackSent) deliver(packet, done);
        else held.push(() => deliver(packet, done));
      };
    c.deliver0 = gate(c.deliver0);
    c.deliverQoS = gate(c.deliverQoS);
    this.#open.set(client, openGate);
    // A connection that dies before CONNACK: let aedes fail the held deliveries (it calls their callbacks).
    client.conn.once('close', openGate);
  }

  /** Call on the broker's 'connackSent' event (emitted once CONNACK is written). */
  connackSent(client: Client): void {
    this.#open.get(client)?.();
  }
}
