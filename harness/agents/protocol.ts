/**
 * The controller ↔ agent protocol: typed messages, one JSON object per line, over one TCP connection that the
 * agent opens to the controller (local, docker and Kubernetes agents alike; README.md "Protocol" says why).
 * Histograms travel encoded (hdr-histogram-js compressed base64 inside LoadResult), so merging stays exact.
 */
import type { EngineBarrier, LoadProgress } from '../load/engine.js';
import type { ProcessLimits } from '../load/limits.js';
import type { LoadPlan } from '../load/plan.js';
import type { LoadResult } from '../load/result.js';

/** 'run': the engine's whole run (ramp → publish → hold → drain → close). 'ramp': open the connections and hold
 *  them until `close` (the capacity ramp's steps). */
export type JobMode = 'run' | 'ramp';

export type ControllerMessage =
  /** A chunk of a plan; the agent builds its engine and answers `ready` (the barrier), then waits for `start`. */
  | { t: 'plan'; job: number; mode: JobMode; plan: LoadPlan; stopAfterMs: number }
  /** Every agent is ready: start `inMs` after this line arrives (sent to all at once; relative, so clock skew between
   *  machines does not matter). */
  | { t: 'start'; job: number; inMs: number }
  /** A 'run' job: every agent reached `after` (ramped: every subscriber is in; published: nothing more is sent), go on. */
  | { t: 'go'; job: number; after: EngineBarrier }
  /** End the job early (its result still comes, `stoppedBy: 'stopped'`). */
  | { t: 'stop'; job: number }
  /** Close every connection the agent holds (every ramp job), then answer `closed`. */
  | { t: 'close' }
  /** Close everything and exit. */
  | { t: 'bye' };

export type AgentMessage =
  /** First line after connecting: who this is, with the controller's token. */
  | { t: 'hello'; agent: number; token: string; pid: number; host: string; limits: ProcessLimits }
  | { t: 'ready'; job: number }
  /** A 'run' job reached a barrier (after its ramp, after publishing); the agent waits for `go`. */
  | { t: 'reached'; job: number; after: EngineBarrier }
  | { t: 'progress'; job: number; progress: LoadProgress }
  /** `held`: connections this agent holds after the job (every ramp job); `heldBefore`: of those, the earlier jobs'. */
  | { t: 'result'; job: number; result: LoadResult; held: number; heldBefore: number }
  | { t: 'closed' }
  | { t: 'error'; job?: number; message: string };

export function encodeMessage(m: ControllerMessage | AgentMessage): string {
  return `${JSON.stringify(m)}\n`;
}

/** Splits a byte stream into lines and parses each as one message (bad lines are reported, not thrown). */
export class LineDecoder<M extends { t: string }> {
  private buffered = '';

  constructor(
    private readonly onMessage: (m: M) => void,
    private readonly onBadLine: (line: string) => void,
  ) {}

  push(chunk: Buffer | string): void {
    this.buffered += String(chunk);
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl).trim();
      this.buffered = this.buffered.slice(nl + 1);
      if (!line) continue;
      let m: unknown;
      try {
        m = JSON.parse(line);
      } catch {
        this.onBadLine(line);
        continue;
      }
      if (typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string') this.onMessage(m as M);
      else this.onBadLine(line);
    }
    if (this.buffered.length > 64 * 1024 * 1024) {
      this.onBadLine(this.buffered.slice(0, 200));
      this.buffered = '';
    }
  }
}
