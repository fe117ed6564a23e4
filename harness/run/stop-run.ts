/**
 * SIGINT/SIGTERM/SIGHUP for `mqtt-lb run`, whether from a terminal's Ctrl-C or sent to the CLI's pid alone: stop
 * the Jest child's whole process group (bounded, then SIGKILL), then every process carrying the run's id, then the
 * run dirs and docker containers its deployments left; the CLI starts no further profile and exits 128 + signal.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sweepRunSync } from '../docker/reaper.js';
import { carriesRun, isAlive, processesOfRun, RUN_ID_ENV, signalGroup } from '../proc/identity.js';
import { signalExitCode, STOP_SIGNALS } from '../proc/signals.js';
import { sweepStaleRuns } from '../proc/sweep.js';
import { waitFor } from '../util/wait.js';

/** How long the Jest child's group gets to end after the forwarded signal, before SIGKILL. */
const JEST_GRACE_MS = 5000;
/** How long the run's other processes (e.g. a docker reaper removing containers) get after SIGTERM. */
const LEFTOVER_GRACE_MS = 20_000;

/** True while any process is left in process group `pgid`. */
function groupAlive(pgid: number): boolean {
  return isAlive(-pgid);
}

function signalPids(pids: number[], runId: string, signal: NodeJS.Signals): void {
  for (const pid of pids) {
    if (!carriesRun(pid, runId)) continue; // re-checked right before the signal: pids get reused
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, signal);
    } catch {
      /* gone meanwhile */
    }
  }
}

/** A docker daemon this machine may talk to (else there are no containers to remove, and no 2 s to spend on it). */
function dockerReachable(): boolean {
  const rootless = process.env.XDG_RUNTIME_DIR && path.join(process.env.XDG_RUNTIME_DIR, 'docker.sock');
  return (
    Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock') || Boolean(rootless && existsSync(rootless))
  );
}

async function settle(done: () => boolean, timeoutMs: number, what: string): Promise<boolean> {
  return waitFor(done, { timeoutMs, intervalMs: 100, what }).then(
    () => true,
    () => false,
  );
}

export class RunSignals {
  /** The first stop signal received, if any. */
  signal: NodeJS.Signals | undefined;
  private jestGroup: number | undefined;
  private stopping: Promise<void> = Promise.resolve();
  private readonly handler = (signal: NodeJS.Signals): void => this.onSignal(signal);

  /** `runId`: the MQTT_LB_RUN_ID every process of the run carries (directly or as MQTT_LB_PARENT_RUN_ID). */
  constructor(
    readonly runId: string,
    private readonly say: (message: string) => void,
  ) {}

  /** The environment that marks the Jest child, and so everything it starts, as part of the run. */
  get env(): Record<string, string> {
    return { [RUN_ID_ENV]: this.runId };
  }

  get exitCode(): number | undefined {
    return this.signal && signalExitCode(this.signal);
  }

  install(): void {
    for (const s of STOP_SIGNALS) process.on(s, this.handler);
  }

  uninstall(): void {
    for (const s of STOP_SIGNALS) process.off(s, this.handler);
  }

  /** The Jest child just started (its pid is its process group); one that starts after a signal is killed at once. */
  jestStarted(pid: number): void {
    this.jestGroup = pid;
    if (this.signal) signalGroup(pid, 'SIGKILL');
  }

  jestEnded(): void {
    this.jestGroup = undefined;
  }

  /** Resolves once everything of the run is stopped (at once when no signal came). */
  stopped(): Promise<void> {
    return this.stopping;
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (this.signal) {
      this.say(`${signal} again: killing the running suite now`);
      if (this.jestGroup) signalGroup(this.jestGroup, 'SIGKILL');
      return;
    }
    this.signal = signal;
    this.say(`${signal}: stopping the running suite and its deployment; no further suite starts…`);
    this.stopping = this.stop(signal).catch((err: unknown) => this.say(`stopping the run: ${(err as Error).message}`));
  }

  private async stop(signal: NodeJS.Signals): Promise<void> {
    const group = this.jestGroup;
    if (group) {
      signalGroup(group, 'SIGCONT');
      signalGroup(group, signal);
      if (!(await settle(() => !groupAlive(group), JEST_GRACE_MS, 'the Jest child to end'))) {
        this.say(`the running suite did not end within ${JEST_GRACE_MS} ms of ${signal}: killing it`);
        signalGroup(group, 'SIGKILL');
        await settle(() => !groupAlive(group), 2000, 'the Jest child to die');
      }
    }
    // Deployment processes die with the Jest child (parent-death signal); anything else of the run gets SIGTERM —
    // a docker reaper removes the run's containers first — then SIGKILL.
    const left = processesOfRun(this.runId);
    if (left.length) {
      signalPids(left, this.runId, 'SIGTERM');
      const gone = () => processesOfRun(this.runId).length === 0;
      if (!(await settle(gone, LEFTOVER_GRACE_MS, 'the run processes to end')))
        signalPids(processesOfRun(this.runId), this.runId, 'SIGKILL');
    }
    const swept = sweepStaleRuns();
    if (dockerReachable()) for (const id of swept) sweepRunSync(id);
    const stillThere = processesOfRun(this.runId);
    this.say(
      stillThere.length
        ? `stopped the run, but pid(s) ${stillThere.join(', ')} of run ${this.runId} are still alive`
        : `stopped the run: nothing of run ${this.runId} is left running${swept.length ? ` (removed ${swept.length} deployment dir(s))` : ''}`,
    );
  }
}
