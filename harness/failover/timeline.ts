/** A scenario's clock and record for the report: events and sampled per-node counts, t = ms since its start. */
import type { TimelineEvent, TimelineSample } from '../report/summary-types.js';
import { TrafficRecord } from './traffic-record.js';

export class ScenarioTimeline {
  readonly startedAt = Date.now();
  private readonly events: TimelineEvent[] = [];
  private readonly samples: TimelineSample[] = [];
  /** The steady stream on this clock, message by message (filled by the scenario's TrafficStream). */
  readonly traffic = new TrafficRecord((at) => this.t(at));

  t(at = Date.now()): number {
    return at - this.startedAt;
  }

  event(kind: TimelineEvent['kind'], opts: { node?: string; detail?: string; at?: number } = {}): void {
    this.events.push({
      t: this.t(opts.at),
      kind,
      ...(opts.node ? { node: opts.node } : {}),
      ...(opts.detail ? { detail: opts.detail } : {}),
    });
  }

  sample(counts: Record<string, number>, balancer: Record<string, string>, at = Date.now()): void {
    this.samples.push({ t: this.t(at), counts: { ...counts }, balancer: { ...balancer } });
  }

  toJSON(): { samples: TimelineSample[]; events: TimelineEvent[] } {
    return { samples: [...this.samples], events: [...this.events].sort((a, b) => a.t - b.t) };
  }
}
