/**
 * The fault verbs on containers (dockerode: testcontainers has no pause/unpause and its restart re-randomises
 * nothing we need): kill = SIGKILL, pause = cgroup freeze (a hung node that still accepts TCP through the published
 * port), resume, stop = SIGTERM with a 5 s grace, restart = start again with the same name, aliases, IP and host
 * ports. Timings on this kind of machine: pause ~15 ms, kill ~150 ms, start ~260 ms (testcontainers.md §5).
 */
import type { FaultVerb } from '../types.js';
import { docker } from './engine.js';

type State = { Running: boolean; Paused: boolean; ExitCode: number };

async function state(id: string): Promise<State> {
  return ((await docker().getContainer(id).inspect()) as { State: State }).State;
}

function alreadyInState(e: unknown): boolean {
  // 304 not modified (already started/stopped); 409 "is not running" / "is not paused" / "is already paused"
  const s = (e as { statusCode?: number }).statusCode;
  return s === 304;
}

/** Applies `verb` to the container; `ready` waits until a restarted node serves again. */
export async function containerFault(
  id: string,
  label: string,
  verb: FaultVerb,
  ready: () => Promise<void>,
): Promise<void> {
  const c = docker().getContainer(id);
  const st = await state(id);
  switch (verb) {
    case 'kill':
      if (!st.Running) throw new Error(`${label} is not running; cannot kill`);
      // A frozen cgroup cannot be killed (409 "is paused"): thaw and kill at once.
      if (st.Paused) await c.unpause();
      await c.kill({ signal: 'SIGKILL' });
      await waitStopped(id);
      return;
    case 'pause':
      if (!st.Running) throw new Error(`${label} is not running; cannot pause`);
      if (!st.Paused) await c.pause();
      return;
    case 'resume':
      if (!st.Running) throw new Error(`${label} is not running; cannot resume`);
      if (st.Paused) await c.unpause();
      return;
    case 'stop':
      if (st.Paused) await c.unpause();
      if (st.Running)
        await c.stop({ t: 5 }).catch((e: unknown) => {
          if (!alreadyInState(e)) throw e;
        });
      return;
    case 'restart':
      if (st.Paused) await c.unpause();
      if (st.Running) await c.kill({ signal: 'SIGKILL' });
      await waitStopped(id);
      await c.start();
      await ready();
      return;
  }
}

async function waitStopped(id: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await state(id)).Running) {
    if (Date.now() > deadline)
      throw new Error(`container ${id.slice(0, 12)} still running ${timeoutMs} ms after SIGKILL`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
