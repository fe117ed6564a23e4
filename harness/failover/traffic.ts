/**
 * A steady message stream during a fault: each publisher publishes at a fixed rate on every QoS level,
 * every message stamped (stream = publisher/QoS, sequence, send time: harness/load/payload.ts), accounted in the
 * load engine's Jepsen-style ledger (harness/load/ledger.ts; one subscriber per QoS level). The publish loop is
 * bounded in time and count; it never waits for acks, so a publisher cut off by the fault queues (both fleet
 * clients do) and its acks arrive late or never — lost = acked but never delivered.
 */
import { LoadLedger, ledgerTotals, type LedgerData, type QosTotals } from '../load/ledger.js';

export type { QosTotals } from '../load/ledger.js';
import { readPayload, stampPayload } from '../load/payload.js';
import { delay, waitFor, withTimeout } from '../util/wait.js';
import type { FleetClient } from './fleet-client.js';
import type { TrafficRecord } from './traffic-record.js';

export const QOS_LEVELS = [0, 1, 2] as const;
export type Qos = (typeof QOS_LEVELS)[number];
const PROBE = 'probe';

export interface Endpoint {
  id: string;
  client: FleetClient;
}

export class TrafficStream {
  /** One ledger for the whole stream: streams `<publisher>/q<qos>`, subscribers by filter. */
  readonly ledger = new LoadLedger();
  readonly subscribers: Array<Endpoint & { qos: Qos }>;
  private running = false;
  private loop: Promise<void> | undefined;
  private pendingAcks = 0;
  private stopped: Promise<void> | undefined;
  published = 0;

  constructor(
    private readonly topicPrefix: string,
    private readonly publishers: Endpoint[],
    subscribers: Endpoint[],
    private readonly ratePerQos: number,
    /** Message-by-message record for the per-second series (the scenario timeline's). */
    private readonly record?: TrafficRecord,
  ) {
    // One QoS per subscriber: aedes drops a delivery whose per-node counter is below one the client has
    // already seen, and QoS 0 (no session write) overtakes QoS 1/2 from the same node.
    this.subscribers = subscribers.map((s, i) => ({ ...s, qos: QOS_LEVELS[i % QOS_LEVELS.length]! }));
    for (const p of publishers)
      for (const q of QOS_LEVELS) this.ledger.stream(this.stream(p.id, q), this.topic(q, p.id), q);
    for (const s of this.subscribers) {
      this.ledger.subscriber(s.id, [`${topicPrefix}/q${s.qos}/+`], s.qos);
      record?.subscriber(s.qos);
      const prefix = `${topicPrefix}/q${s.qos}/`;
      const onMessage = (topic: string, payload: Buffer): void => {
        if (!topic.startsWith(prefix) || payload.toString() === PROBE) return;
        this.ledger.received(s.id, readPayload(payload));
        record?.received(s.id, s.qos, payload);
      };
      s.client.onMessage(onMessage);
    }
  }

  private stream(publisher: string, qos: Qos): string {
    return `${publisher}/q${qos}`;
  }

  private topic(qos: Qos, publisher: string): string {
    return `${this.topicPrefix}/q${qos}/${publisher}`;
  }

  /** Subscribes every subscriber per QoS and waits until a probe from every publisher reaches every subscriber. */
  async subscribeAll(timeoutMs = 8000): Promise<void> {
    const pending = new Set(this.subscribers.map((s) => s.id));
    const subscribed = this.subscribers.map(async (s) => {
      await s.client.subscribe(`${this.topicPrefix}/q${s.qos}/+`, s.qos);
      pending.delete(s.id);
    });
    await withTimeout(
      Promise.all(subscribed),
      timeoutMs,
      `SUBACKs for ${this.subscribers.length} stream subscribers`,
    ).catch((err: unknown) => {
      const waiting = this.subscribers.filter((s) => pending.has(s.id)).map((s) => `${s.id} (${s.client.describe()})`);
      throw new Error(`${err instanceof Error ? err.message : String(err)}; no SUBACK yet for ${waiting.join(', ')}`);
    });
    const seen = new Set<string>();
    const onProbe =
      (sub: string) =>
      (topic: string, payload: Buffer): void =>
        void (payload.toString() === PROBE && seen.add(`${sub} ${topic.split('/').at(-1)}`));
    const handlers = this.subscribers.map((s) => [s, onProbe(s.id)] as const);
    for (const [s, h] of handlers) s.client.onMessage(h);
    const want = this.subscribers.length * this.publishers.length;
    try {
      await waitFor(
        async () => {
          await Promise.all(
            this.publishers.flatMap((p) =>
              QOS_LEVELS.map(
                (q) =>
                  new Promise<void>((resolve, reject) =>
                    p.client.publish(this.topic(q, p.id), PROBE, 0, (err) => (err ? reject(err) : resolve())),
                  ),
              ),
            ),
          );
          await delay(100);
          if (seen.size >= want) return true;
          throw new Error(this.missingRoutes(seen)); // reported as the wait's last state on timeout
        },
        {
          timeoutMs,
          intervalMs: 1,
          what: `routes from ${this.publishers.length} publishers to ${this.subscribers.length} subscribers`,
        },
      );
    } finally {
      for (const [s, h] of handlers) s.client.offMessage(h);
    }
  }

  /** Which publisher→subscriber routes no probe has crossed yet, with the clients' connection states. */
  private missingRoutes(seen: Set<string>): string {
    const state = (e: Endpoint): string => (e.client.connected ? '' : ' (disconnected)');
    const gaps = this.subscribers.flatMap((s) => {
      const from = this.publishers.filter((p) => !seen.has(`${s.id} ${p.id}`)).map((p) => `${p.id}${state(p)}`);
      return from.length === 0 ? [] : [`${s.id}${state(s)} <- ${from.join(', ')}`];
    });
    const shown = gaps.slice(0, 6).join('; ');
    return `${seen.size} of ${this.subscribers.length * this.publishers.length} routes seen; missing: ${shown}${gaps.length > 6 ? `; and ${gaps.length - 6} more subscribers` : ''}`;
  }

  start(maxMs = 60_000): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run(maxMs);
  }

  private async run(maxMs: number): Promise<void> {
    const interval = 1000 / this.ratePerQos;
    const started = Date.now();
    const maxTicks = Math.ceil((maxMs / 1000) * this.ratePerQos);
    for (let tick = 0; this.running && tick < maxTicks && Date.now() - started < maxMs; tick++) {
      for (const p of this.publishers) for (const q of QOS_LEVELS) this.send(p, q);
      await delay(Math.max(1, started + (tick + 1) * interval - Date.now()));
    }
    this.running = false;
  }

  private send(p: Endpoint, qos: Qos): void {
    const stream = this.stream(p.id, qos);
    const seq = this.ledger.nextSend(stream);
    this.record?.sent(stream, seq, qos);
    this.published++;
    this.pendingAcks++;
    const onDone = (err?: Error): void => {
      this.pendingAcks--;
      if (err) return;
      this.ledger.acked(stream, seq);
      this.record?.acked(stream, seq);
    };
    p.client.publish(this.topic(qos, p.id), stampPayload(stream, seq, 0), qos, onDone);
  }

  /** Stops publishing, then waits (bounded) for outstanding acks and for every acked QoS 1/2 message to arrive. */
  stop(drainMs = 4000): Promise<void> {
    this.stopped ??= this.drain(drainMs);
    return this.stopped;
  }

  private async drain(drainMs: number): Promise<void> {
    this.running = false;
    await this.loop;
    await waitFor(() => this.pendingAcks === 0 && this.totals()[1].lost === 0 && this.totals()[2].lost === 0, {
      timeoutMs: drainMs,
      intervalMs: 50,
      what: 'the stream to drain',
    }).catch(() => undefined); // what did not drain is counted as lost by the ledger
  }

  /** Per-QoS totals over every subscriber, or over `subscriberIds` only. */
  totals(subscriberIds?: Set<string>): Record<Qos, QosTotals> {
    const data: LedgerData = this.ledger.data();
    if (subscriberIds) data.subscribers = data.subscribers.filter((s) => subscriberIds.has(s.id));
    return ledgerTotals(data);
  }
}
