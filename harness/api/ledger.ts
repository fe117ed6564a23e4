/**
 * The delivery ledger of a started deployment (the load engine's, harness/load/ledger.ts): publish stamped messages
 * and track subscribers through it, then read lost / duplicated / reordered deliveries in the failover suite's terms.
 */
import type { MqttClient, IPublishPacket } from 'mqtt';
import { LoadLedger, ledgerTotals, type LedgerData, type LedgerTotals, type LoadQos } from '../load/ledger.js';
import { readPayload, stampPayload } from '../load/payload.js';

export type { LedgerData, LedgerTotals, LoadQos };

const idOf = (client: MqttClient): string => client.options.clientId ?? 'client';

export class DeliveryLedger {
  private readonly ledger = new LoadLedger();
  private readonly detach: Array<() => void> = [];

  /**
   * Publishes one stamped message on `topic` from `client` (the stream is the client's id and the topic); resolves
   * with its sequence number once the broker acknowledged it (QoS 1) or it was written (QoS 0).
   */
  async publish(client: MqttClient, topic: string, qos: LoadQos = 1, size = 64): Promise<number> {
    const stream = `${idOf(client)}>${topic}`;
    this.ledger.stream(stream, topic, qos);
    const seq = this.ledger.nextSend(stream);
    await new Promise<void>((resolve, reject) => {
      client.publish(topic, stampPayload(stream, seq, size), { qos }, (err) => (err ? reject(err) : resolve()));
    });
    this.ledger.acked(stream, seq);
    return seq;
  }

  /** Records every message `client` receives on `filter` (subscribe it yourself, or pass `subscribe: true`). */
  async track(client: MqttClient, filter: string, qos: LoadQos = 1, opts: { subscribe?: boolean } = {}): Promise<void> {
    const id = idOf(client);
    this.ledger.subscriber(id, [filter], qos);
    const onMessage = (_topic: string, payload: Buffer, _packet: IPublishPacket): void => {
      this.ledger.received(id, readPayload(payload));
    };
    client.on('message', onMessage);
    this.detach.push(() => client.off('message', onMessage));
    if (opts.subscribe)
      await new Promise<void>((resolve, reject) => {
        client.subscribe(filter, { qos }, (err, granted) =>
          err
            ? reject(err)
            : granted?.some((g) => g.qos === 128)
              ? reject(new Error(`subscription to ${filter} refused`))
              : resolve(),
        );
      });
  }

  /** Sent, acked, received, lost (acked, never delivered), duplicated, reordered… per delivery QoS. */
  totals(): LedgerTotals {
    return ledgerTotals(this.ledger.data());
  }

  /** The serialisable ledger (mergeable with other processes' ledgers). */
  data(): LedgerData {
    return this.ledger.data();
  }

  /** Stops recording (done by the deployment's `stop()`). */
  close(): void {
    for (const d of this.detach.splice(0)) d();
  }
}
