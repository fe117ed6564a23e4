/**
 * The load engine's timings as HDR histograms in microseconds (1 µs .. 120 s, 3 significant digits), one per
 * phase, with an exact, serialisable form: encode() → compressed base64 per phase, merge() adds decoded
 * histograms bucket by bucket, so counts from many engines (agents) add up exactly.
 */
import * as hdr from 'hdr-histogram-js';

export const PHASES = ['tcp', 'tls', 'connack', 'suback', 'puback', 'e2e'] as const;
/** tcp = SYN → connected; tls = connected → secureConnect; connack = CONNECT written → CONNACK; suback =
 * SUBSCRIBE → SUBACK; puback = QoS 1 PUBLISH → PUBACK; e2e = publisher's stamp → delivery at a subscriber. */
export type Phase = (typeof PHASES)[number];

const HIGHEST_US = 120_000_000;

export function newHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export interface PhaseSummary {
  count: number;
  mean_us: number;
  p50_us: number;
  p95_us: number;
  p99_us: number;
  max_us: number;
}

/** Encoded histograms per phase (hdr-histogram-js compressed base64), as carried between processes. */
export type EncodedPhases = Partial<Record<Phase, string>>;

export class PhaseHistograms {
  readonly byPhase = new Map<Phase, hdr.Histogram>();

  /** Records `ms` (a duration in milliseconds) into `phase`, clamped to 1 µs .. 120 s. */
  record(phase: Phase, ms: number): void {
    let h = this.byPhase.get(phase);
    if (!h) this.byPhase.set(phase, (h = newHistogram()));
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    h.recordValue(us);
  }

  count(phase: Phase): number {
    return this.byPhase.get(phase)?.totalCount ?? 0;
  }

  summary(): Partial<Record<Phase, PhaseSummary>> {
    const out: Partial<Record<Phase, PhaseSummary>> = {};
    for (const phase of PHASES) {
      const h = this.byPhase.get(phase);
      if (!h || h.totalCount === 0) continue;
      out[phase] = {
        count: h.totalCount,
        mean_us: Math.round(h.mean),
        p50_us: h.getValueAtPercentile(50),
        p95_us: h.getValueAtPercentile(95),
        p99_us: h.getValueAtPercentile(99),
        max_us: h.maxValue,
      };
    }
    return out;
  }

  encode(): EncodedPhases {
    const out: EncodedPhases = {};
    for (const [phase, h] of this.byPhase) out[phase] = hdr.encodeIntoCompressedBase64(h);
    return out;
  }

  static decode(encoded: EncodedPhases): PhaseHistograms {
    const out = new PhaseHistograms();
    for (const phase of PHASES) {
      const s = encoded[phase];
      if (s === undefined) continue;
      const h = newHistogram();
      h.add(hdr.decodeFromCompressedBase64(s, 64, false));
      out.byPhase.set(phase, h);
    }
    return out;
  }

  /** Adds every phase of `other` into this one (exact: bucket counts add). */
  add(other: PhaseHistograms): this {
    for (const [phase, h] of other.byPhase) {
      let mine = this.byPhase.get(phase);
      if (!mine) this.byPhase.set(phase, (mine = newHistogram()));
      mine.add(h);
    }
    return this;
  }

  /** One PhaseHistograms holding the sum of every encoded set. */
  static merge(parts: readonly EncodedPhases[]): PhaseHistograms {
    const out = new PhaseHistograms();
    for (const p of parts) out.add(PhaseHistograms.decode(p));
    return out;
  }
}
