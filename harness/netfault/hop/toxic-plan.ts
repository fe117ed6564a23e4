/**
 * Which Toxiproxy toxics on the fault hop produce each network fault verb (pure: unit-tested exactly), and how the
 * receipt says it. A stream hop cannot drop packets: `loss` stays a kernel fault (iptables statistic on the hop's own
 * address, so the balancer↔hop link and its checks are lossy); so do `partition` and `blackhole` when the kernel can
 * DROP (a held link would accept the balancer's new connects, which a real partition never does); every other verb
 * is a toxic on each of the node's proxies, health-check port included.
 */
import { tcRate, type NetFault } from '../fault.js';
import type { Availability } from '../mechanism.js';

export interface ToxicBody {
  name: string;
  type: 'latency' | 'bandwidth' | 'timeout' | 'reset_peer';
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

export type HopPlan =
  | { via: 'toxics'; toxics: ToxicBody[]; how: string }
  /** Produced by the kernel on the hop's address instead (no toxic models it). */
  | { via: 'kernel'; why: string };

const both = (type: ToxicBody['type'], attributes: Record<string, number>): ToxicBody[] =>
  (['upstream', 'downstream'] as const).map((stream) => ({
    name: `mqttlb-${type}-${stream}`,
    type,
    stream,
    toxicity: 1,
    attributes,
  }));

/** tc rate → KB/s (Toxiproxy's bandwidth unit), at least 1. */
export function rateKBps(rate: string): number {
  const m = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(tcRate(rate))!;
  const n = Number(m[1]);
  const bitsPerS: Record<string, number> = {
    bit: 1,
    kbit: 1e3,
    mbit: 1e6,
    gbit: 1e9,
    bps: 8,
    kbps: 8e3,
    mbps: 8e6,
    gbps: 8e9,
  };
  return Math.max(1, Math.round((n * bitsPerS[m[2]!]!) / 8 / 1000));
}

/** What a held-link toxic cannot do that a real partition does: the receipt's warning when it is the fallback. */
export const TOXIC_PARTITION_CAVEAT =
  "toxic: the hop accepts new connects and holds them — unlike a real partition, the balancer's connect succeeds (its `timeout connect`, retries and redispatch never act)";

/**
 * The plan for `fault`; `drop` says whether the kernel can DROP packets on the hop's address (iptables, root):
 * partition and blackhole then become DROP rules (SYNs dropped, established links silent), else held-link toxics.
 */
export function hopPlan(fault: Exclude<NetFault, { verb: 'heal' }>, drop: Availability = 'not probed'): HopPlan {
  switch (fault.verb) {
    case 'partition':
      if (drop === true)
        return {
          via: 'kernel',
          why: "iptables DROP on the hop's address, both directions: new connects time out as in a real partition (SYNs dropped), established links go silent",
        };
      return {
        via: 'toxics',
        toxics: both('timeout', { timeout: 0 }),
        how: `${TOXIC_PARTITION_CAVEAT}; timeout 0 both directions: bytes held, nothing closed (kernel DROP unavailable: ${drop})`,
      };
    case 'blackhole':
      if (drop === true)
        return {
          via: 'kernel',
          why: "iptables DROP towards the hop's address: new connects time out as in a real blackhole, the node's bytes already sent still arrive",
        };
      return {
        via: 'toxics',
        toxics: both('timeout', { timeout: 0 }).filter((t) => t.stream === 'upstream'),
        how: `${TOXIC_PARTITION_CAVEAT}; timeout 0 upstream: bytes towards the node held, its own bytes still flow (kernel DROP unavailable: ${drop})`,
      };
    case 'reset':
      return { via: 'toxics', toxics: both('reset_peer', { timeout: 0 }), how: 'reset_peer both directions' };
    case 'delay':
      return {
        via: 'toxics',
        toxics: [
          {
            name: 'mqttlb-latency-downstream',
            type: 'latency',
            stream: 'downstream',
            toxicity: 1,
            attributes: { latency: fault.ms, jitter: fault.jitterMs ?? 0 },
          },
        ],
        how: `latency ${fault.ms} ms jitter ${fault.jitterMs ?? 0} ms on the node's outgoing bytes (downstream)`,
      };
    case 'bandwidth':
      return {
        via: 'toxics',
        toxics: [
          {
            name: 'mqttlb-bandwidth-downstream',
            type: 'bandwidth',
            stream: 'downstream',
            toxicity: 1,
            attributes: { rate: rateKBps(fault.rate) },
          },
        ],
        how: `bandwidth ${rateKBps(fault.rate)} KB/s on the node's outgoing bytes (downstream)`,
      };
    case 'loss':
      return {
        via: 'kernel',
        why: 'a TCP stream hop cannot drop packets (Toxiproxy has no loss toxic): random loss stays a kernel fault, on the hop address so the balancer↔hop link and its checks lose packets and TCP retransmits',
      };
  }
}
