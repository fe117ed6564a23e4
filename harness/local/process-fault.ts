/** The fault verbs on a node that is one local child process, the same for every local broker kind. */
import type { ManagedProcess } from '../proc/child.js';
import type { FaultVerb } from '../types.js';

export interface ProcessFaultOptions {
  /** How long a graceful stop (SIGTERM) may take before SIGKILL. */
  stopMs: number;
  /** Starts the node again and waits until it serves (after its old process is gone). */
  restart(): Promise<void>;
}

/** kill = SIGKILL, pause/resume = SIGSTOP/SIGCONT, stop = SIGTERM then SIGKILL after `stopMs`, restart. */
export async function processFault(
  name: string,
  p: ManagedProcess | undefined,
  verb: FaultVerb,
  o: ProcessFaultOptions,
): Promise<void> {
  if (!p) throw new Error(`${name} was never started`);
  switch (verb) {
    case 'kill':
      return p.kill();
    case 'pause':
      if (!p.signal('SIGSTOP')) throw new Error(`${name} is not running; cannot pause`);
      return;
    case 'resume':
      if (!p.signal('SIGCONT')) throw new Error(`${name} is not running; cannot resume`);
      return;
    case 'stop':
      return p.stop(o.stopMs);
    case 'restart':
      if (!p.exited) await p.kill();
      return o.restart();
  }
}
