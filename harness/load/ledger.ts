/**
 * The load engine's delivery ledger in the failover suite's terms (harness/failover/traffic.ts QosTotals: lost =
 * acked but never delivered, duplicated, reordered, unexpected, recovered), kept compact and mergeable: the
 * publisher side records per stream how many it sent and which were acked (a bit set); each subscriber records
 * per stream which sequence numbers arrived (a bit set), how many extra copies, and how many arrived below the
 * highest seen. Owed deliveries are worked out only at report time — subscriber filters × stream topics — so
 * ledgers of publishers and subscribers in different processes (agents) merge exactly by concatenation.
 */
import { Bitset } from './bitset.js';
import type { PayloadStamp } from './payload.js';

/** Per-QoS totals over all subscribers; units are deliveries (message × subscriber). */
export interface QosTotals {
  sent: number;
  acked: number;
  received: number;
  lost: number;
  duplicated: number;
  reordered: number;
  unexpected: number;
  /** Delivered although the publisher never got its ack (Jepsen "recovered"). */
  recovered: number;
}

/** QoS levels the engine's plans publish and subscribe with. */
export type LoadQos = 0 | 1;
/** QoS levels the ledger accounts for (the failover stream publishes QoS 2 too). */
export type DeliveryQos = 0 | 1 | 2;

interface Stream {
  topic: string;
  qos: DeliveryQos;
  sent: number;
  acked: Bitset;
}

interface Arrivals {
  seen: Bitset;
  dup: number;
  highest: number;
  reordered: number;
}

interface Subscriber {
  filters: string[];
  qos: DeliveryQos;
  unstamped: number;
  streams: Map<string, Arrivals>;
}

/** The serialisable ledger (one engine's, or several merged). */
export interface LedgerData {
  streams: Array<{ id: string; topic: string; qos: DeliveryQos; sent: number; acked: string }>;
  subscribers: Array<{
    id: string;
    filters: string[];
    qos: DeliveryQos;
    unstamped: number;
    streams: Array<{ id: string; seen: string; dup: number; reordered: number }>;
  }>;
}

/** Per QoS of the delivery (the lower of publish and subscription QoS). */
export type LedgerTotals = Record<0 | 1 | 2, QosTotals>;

/** MQTT topic filter matching (+ one level, # the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export class LoadLedger {
  private readonly streams = new Map<string, Stream>();
  private readonly subscribers = new Map<string, Subscriber>();

  stream(id: string, topic: string, qos: DeliveryQos): void {
    if (!this.streams.has(id)) this.streams.set(id, { topic, qos, sent: 0, acked: new Bitset() });
  }

  /** The next sequence number of `stream`, counted as sent. */
  nextSend(id: string): number {
    const s = this.streams.get(id);
    if (!s) throw new Error(`unknown stream ${id}`);
    return s.sent++;
  }

  acked(id: string, seq: number): void {
    this.streams.get(id)?.acked.set(seq);
  }

  subscriber(id: string, filters: string[], qos: DeliveryQos): void {
    if (!this.subscribers.has(id)) this.subscribers.set(id, { filters, qos, unstamped: 0, streams: new Map() });
  }

  /** A delivery to subscriber `id`; `stamp` undefined for a payload the engine did not write. */
  received(id: string, stamp: PayloadStamp | undefined): void {
    const sub = this.subscribers.get(id);
    if (!sub) return;
    if (!stamp) {
      sub.unstamped++;
      return;
    }
    let a = sub.streams.get(stamp.stream);
    if (!a) sub.streams.set(stamp.stream, (a = { seen: new Bitset(), dup: 0, highest: -1, reordered: 0 }));
    if (a.seen.set(stamp.seq)) {
      a.dup++;
      return;
    }
    if (stamp.seq < a.highest) a.reordered++;
    else a.highest = stamp.seq;
  }

  data(): LedgerData {
    return {
      streams: [...this.streams].map(([id, s]) => ({
        id,
        topic: s.topic,
        qos: s.qos,
        sent: s.sent,
        acked: s.acked.encode(),
      })),
      subscribers: [...this.subscribers].map(([id, s]) => ({
        id,
        filters: [...s.filters],
        qos: s.qos,
        unstamped: s.unstamped,
        streams: [...s.streams].map(([sid, a]) => ({
          id: sid,
          seen: a.seen.encode(),
          dup: a.dup,
          reordered: a.reordered,
        })),
      })),
    };
  }
}

/** Several engines' ledgers as one (stream and subscriber ids must be unique across them: client ids are). */
export function mergeLedgers(parts: readonly LedgerData[]): LedgerData {
  const out: LedgerData = { streams: [], subscribers: [] };
  const ids = new Set<string>();
  for (const p of parts) {
    for (const s of p.streams) {
      if (ids.has(`s ${s.id}`)) throw new Error(`stream ${s.id} in two ledgers`);
      ids.add(`s ${s.id}`);
      out.streams.push(s);
    }
    for (const s of p.subscribers) {
      if (ids.has(`c ${s.id}`)) throw new Error(`subscriber ${s.id} in two ledgers`);
      ids.add(`c ${s.id}`);
      out.subscribers.push(s);
    }
  }
  return out;
}

const zero = (): QosTotals => ({
  sent: 0,
  acked: 0,
  received: 0,
  lost: 0,
  duplicated: 0,
  reordered: 0,
  unexpected: 0,
  recovered: 0,
});

/** Totals per delivery QoS; units are deliveries (message × subscriber owed it), as in the failover suite. */
export function ledgerTotals(data: LedgerData): LedgerTotals {
  const out: LedgerTotals = { 0: zero(), 1: zero(), 2: zero() };
  const streams = new Map(data.streams.map((s) => [s.id, { ...s, ackedBits: Bitset.decode(s.acked) }]));
  for (const sub of data.subscribers) {
    out[sub.qos].unexpected += sub.unstamped;
    out[sub.qos].received += sub.unstamped;
    const arrivals = new Map(sub.streams.map((a) => [a.id, a]));
    for (const [id, st] of streams) {
      if (!sub.filters.some((f) => topicMatches(f, st.topic))) continue;
      const t = out[Math.min(st.qos, sub.qos) as DeliveryQos];
      const a = arrivals.get(id);
      arrivals.delete(id);
      const seen = a ? Bitset.decode(a.seen) : new Bitset();
      const okCount = seen.count(st.sent);
      t.sent += st.sent;
      for (let seq = 0; seq < st.sent; seq++) {
        const acked = st.ackedBits.has(seq);
        const got = seen.has(seq);
        if (acked) t.acked++;
        if (acked && !got) t.lost++;
        if (got && !acked) t.recovered++;
      }
      const all = seen.count();
      t.received += all + (a?.dup ?? 0);
      t.duplicated += a?.dup ?? 0;
      t.reordered += a?.reordered ?? 0;
      t.unexpected += all - okCount;
    }
    for (const a of arrivals.values()) {
      const n = Bitset.decode(a.seen).count() + a.dup;
      out[sub.qos].received += n;
      out[sub.qos].unexpected += n;
    }
  }
  return out;
}
