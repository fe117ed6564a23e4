/**
 * Which Toxiproxy toxics on the fault hop produce each network fault verb (pure: unit-tested exactly), and how the
 * receipt says it. A stream hop cannot drop packets: `loss` stays a kernel fault (iptables statistic on the hop's own
 * address, so the balancer↔hop link and its checks are lossy); every other verb is a toxic on each of the node's
 * proxies, health-check port included.
 */
import { tcRate, type NetFault } from '../fault.js';

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

export function hopPlan(fault: Exclude<NetFault, { verb: 'heal' }>): HopPlan {
  switch (fault.verb) {
    case 'partition':
      return {
        via: 'toxics',
        toxics: both('timeout', { timeout: 0 }),
        how: 'timeout 0 both directions: bytes held, nothing closed (a half-open link; a TCP connect to the hop still completes, so only checks that exchange data see it)',
      };
    case 'blackhole':
      return {
        via: 'toxics',
        toxics: both('timeout', { timeout: 0 }).filter((t) => t.stream === 'upstream'),
        how: 'timeout 0 upstream: bytes towards the node held, its own bytes still flow',
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
