/**
 * The steady stream message by message on the scenario's clock (publish, ack, each delivery with its latency): the
 * raw input of the per-second series. Bounded: past `maxRecords` it stops recording and says so.
 */
import { readPayload } from '../load/payload.js';

export interface RecordedSend {
  /** ms since the scenario's start. */
  t: number;
  qos: number;
  acked: boolean;
  /** Distinct subscribers that got it. */
  deliveredTo: number;
}

export interface RecordedDelivery {
  t: number;
  qos: number;
  /** Arrival − the publisher's stamp, ms. */
  latencyMs: number;
  /** The subscriber had this message already. */
  duplicate: boolean;
}

export interface RecordedTraffic {
  /** Subscribers per QoS ("0", "1", "2"): deliveries owed per published message. */
  subscribersPerQos: Record<string, number>;
  sends: RecordedSend[];
  deliveries: RecordedDelivery[];
  /** Set when the record hit its bound (the series then stop early). */
  truncatedAt?: number;
}

interface SendState {
  t: number;
  qos: number;
  acked: boolean;
  seenBy: Set<string>;
}

const key = (stream: string, seq: number): string => `${stream}#${seq}`;

export class TrafficRecord {
  private readonly sends = new Map<string, SendState>();
  private readonly deliveries: RecordedDelivery[] = [];
  private readonly subscribers: Record<string, number> = {};
  private truncatedAt: number | undefined;

  constructor(
    /** Wall-clock ms → ms since the scenario's start. */
    private readonly clock: (at: number) => number,
    private readonly maxRecords = 500_000,
  ) {}

  private full(at: number): boolean {
    if (this.sends.size + this.deliveries.length < this.maxRecords) return false;
    this.truncatedAt ??= this.clock(at);
    return true;
  }

  subscriber(qos: number): void {
    this.subscribers[String(qos)] = (this.subscribers[String(qos)] ?? 0) + 1;
  }

  sent(stream: string, seq: number, qos: number, at = Date.now()): void {
    if (this.full(at)) return;
    this.sends.set(key(stream, seq), { t: this.clock(at), qos, acked: false, seenBy: new Set() });
  }

  acked(stream: string, seq: number): void {
    const s = this.sends.get(key(stream, seq));
    if (s) s.acked = true;
  }

  /** A delivery to `subscriber`; payloads that are not a recorded send (probes, strangers) are not part of the series. */
  received(subscriber: string, qos: number, payload: Buffer, at = Date.now()): void {
    const stamp = readPayload(payload);
    const s = stamp && this.sends.get(key(stamp.stream, stamp.seq));
    if (!stamp || !s || this.full(at)) return;
    const duplicate = s.seenBy.has(subscriber);
    s.seenBy.add(subscriber);
    this.deliveries.push({ t: this.clock(at), qos, latencyMs: at - stamp.sentAtMs, duplicate });
  }

  data(): RecordedTraffic {
    return {
      subscribersPerQos: { ...this.subscribers },
      sends: [...this.sends.values()].map((s) => ({ t: s.t, qos: s.qos, acked: s.acked, deliveredTo: s.seenBy.size })),
      deliveries: [...this.deliveries],
      ...(this.truncatedAt !== undefined ? { truncatedAt: this.truncatedAt } : {}),
    };
  }
}
