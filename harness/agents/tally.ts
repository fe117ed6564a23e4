/**
 * Where a suite's clients ran, for its metrics: the runner (in-process or a launcher), and per agent and merged the
 * clients, attempts, ready and failed counts and the histogram counts per phase — the merged counts from the merged
 * histograms (decoded), the agents' from their own, so a reader can check that they add up exactly.
 */
import { PHASES, PhaseHistograms, type Phase } from '../load/histograms.js';
import type { JobOutcome, LoadRunner } from './runner.js';

export interface LoadCounts {
  clients: number;
  attempted: number;
  ready: number;
  failed: number;
  /** Values recorded per phase (tcp, connack, …): histogram total counts. */
  histogram_counts: Partial<Record<Phase, number>>;
}

export interface LoadSpread extends LoadCounts {
  runner: LoadRunner['launcher'];
  agents: number;
  per_agent: Array<LoadCounts & { agent: number }>;
}

function zero(): LoadCounts {
  return { clients: 0, attempted: 0, ready: 0, failed: 0, histogram_counts: {} };
}

function addCounts(into: LoadCounts, r: JobOutcome['result'], h: PhaseHistograms): void {
  into.clients += r.clients;
  into.attempted += r.attempted;
  into.ready += r.ready;
  into.failed += r.failed;
  for (const phase of PHASES) {
    const n = h.count(phase);
    if (n) into.histogram_counts[phase] = (into.histogram_counts[phase] ?? 0) + n;
  }
}

export class LoadTally {
  private readonly merged = zero();
  private readonly perAgent = new Map<number, LoadCounts>();

  constructor(private readonly runner: Pick<LoadRunner, 'launcher' | 'agents'>) {}

  add(o: JobOutcome): void {
    addCounts(this.merged, o.result, PhaseHistograms.decode(o.result.histograms));
    for (const p of o.parts) {
      let c = this.perAgent.get(p.agent);
      if (!c) this.perAgent.set(p.agent, (c = zero()));
      addCounts(c, p.result, PhaseHistograms.decode(p.result.histograms));
    }
  }

  spread(): LoadSpread {
    return {
      runner: this.runner.launcher,
      agents: this.runner.agents,
      ...this.merged,
      per_agent: [...this.perAgent].sort(([a], [b]) => a - b).map(([agent, c]) => ({ agent, ...c })),
    };
  }
}
