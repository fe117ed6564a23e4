/**
 * A child process of a run: own process group (so kill/pause reach everything it forks), stdout
 * and stderr appended to a log file in the run directory, a pid file for crash recovery, and — for
 * `run` deployments — a parent-death signal so a SIGKILLed harness leaves no orphan.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { PARENT_RUN_ID_ENV, RUN_ID_ENV, signalGroup, isAlive } from './identity.js';
import type { RunDir } from './run-dir.js';
import { MissingBinaryError } from '../errors.js';
import { TimeoutError, waitFor } from '../util/wait.js';

export interface ChildSpec {
  /** Unique within the run: 'redis', 'node1', 'haproxy'… */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Debian package that provides `command`, for the "missing binary" message. */
  aptPackage?: string;
  /** Kill the child when the harness process dies (default true). */
  dieWithParent?: boolean;
}

const SETPRIV = '/usr/bin/setpriv';

/** `command args` run through setpriv so the kernel SIGKILLs it when this process dies (as is without setpriv). */
export function withParentDeathSignal(command: string, args: string[]): { command: string; args: string[] } {
  if (!existsSync(SETPRIV)) return { command, args };
  return { command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', command, ...args] };
}

export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private log: WriteStream | undefined;
  /** The last 1000 stdout lines. */
  private readonly stdoutLines: string[] = [];
  private linesSeen = 0;
  private readonly lineWaiters = new Set<(line: string) => void>();

  constructor(
    readonly spec: ChildSpec,
    private readonly runDir: RunDir,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get exited(): boolean {
    return this.exitInfo !== undefined;
  }

  get logPath(): string {
    return this.runDir.logFile(this.spec.name);
  }

  /** Starts the process; resolves once it is spawned (not ready: use waitForLine / a health probe). */
  async start(): Promise<void> {
    const { command, args } = this.wrapped();
    this.exitInfo = undefined;
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.spec.env, ...this.runIdEnv() },
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const onSpawn = (): void => {
        child.off('error', onError);
        resolve();
      };
      const onError = (err: NodeJS.ErrnoException): void => {
        child.off('spawn', onSpawn);
        if (err.code === 'ENOENT')
          reject(new MissingBinaryError(this.spec.command, this.spec.aptPackage ?? this.spec.command));
        else reject(err);
      };
      child.once('spawn', onSpawn);
      child.once('error', onError);
    });
    child.stdout!.setEncoding('utf8');
    child.stderr!.pipe(this.log, { end: false });
    let partial = '';
    const onStdout = (chunk: string): void => {
      this.log?.write(chunk);
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) this.onLine(line);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      this.exitInfo = { code, signal };
      this.runDir.forgetPid(this.spec.name);
    };
    child.stdout!.on('data', onStdout);
    child.on('exit', onExit);
    this.runDir.recordPid({
      name: this.spec.name,
      pid: child.pid!,
      runId: this.runDir.runId,
      command: [command, ...args].join(' '),
      startedAt: new Date().toISOString(),
    });
  }

  /** This deployment's run id, and the enclosing run's (the `mqtt-lb run` whose Jest child started it) if any. */
  private runIdEnv(): Record<string, string> {
    const enclosing = process.env[RUN_ID_ENV];
    const own = this.runDir.runId;
    return { [RUN_ID_ENV]: own, ...(enclosing && enclosing !== own ? { [PARENT_RUN_ID_ENV]: enclosing } : {}) };
  }

  private wrapped(): { command: string; args: string[] } {
    if (this.spec.dieWithParent !== false) return withParentDeathSignal(this.spec.command, this.spec.args);
    return { command: this.spec.command, args: this.spec.args };
  }

  private onLine(line: string): void {
    this.linesSeen++;
    this.stdoutLines.push(line);
    if (this.stdoutLines.length > 1000) this.stdoutLines.shift();
    for (const w of this.lineWaiters) w(line);
  }

  /** Number of stdout lines seen so far (pass as `after` to wait only for newer lines). */
  get lineCount(): number {
    return this.linesSeen;
  }

  /** Waits for a stdout line matching `re` (among those after the `after`-th); fails fast (with the log tail) if the process exits first. */
  async waitForLine(re: RegExp, timeoutMs: number, after = 0): Promise<string> {
    const seen = this.stdoutLines
      .slice(Math.max(0, after - (this.linesSeen - this.stdoutLines.length)))
      .find((l) => re.test(l));
    if (seen) return seen;
    return new Promise<string>((resolve, reject) => {
      const done = (fn: () => void): void => {
        clearTimeout(timer);
        clearInterval(exitPoll);
        this.lineWaiters.delete(onLine);
        fn();
      };
      const onLine = (line: string): void => {
        if (re.test(line)) done(() => resolve(line));
      };
      const timer = setTimeout(
        () => done(() => reject(new TimeoutError(`${this.spec.name} to print ${re}`, timeoutMs, this.logTail()))),
        timeoutMs,
      );
      const exitPoll = setInterval(() => {
        if (this.exitInfo) done(() => reject(this.exitError()));
      }, 20);
      this.lineWaiters.add(onLine);
    });
  }

  /** Waits until `probe` succeeds; fails fast if the process exits first. */
  async waitReady(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    await waitFor(
      async () => {
        if (this.exitInfo) throw Object.assign(this.exitError(), { fatal: true });
        return probe();
      },
      { timeoutMs, intervalMs: 50, what: `${this.spec.name}: ${what}` },
    ).catch((err: unknown) => {
      if (this.exitInfo) throw this.exitError();
      throw new Error(`${(err as Error).message}\n--- ${this.logPath} (tail) ---\n${this.logTail()}`);
    });
  }

  exitError(): Error {
    const how = this.exitInfo?.signal ? `signal ${this.exitInfo.signal}` : `exit code ${this.exitInfo?.code}`;
    return new Error(
      `${this.spec.name} exited (${how}) during startup\n--- ${this.logPath} (tail) ---\n${this.logTail()}`,
    );
  }

  logTail(lines = 15): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  signal(sig: NodeJS.Signals): boolean {
    const pid = this.child?.pid;
    if (pid === undefined || this.exitInfo) return false;
    return signalGroup(pid, sig);
  }

  /** Waits for the exit; resolves true if it exited within `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<boolean> {
    if (this.exitInfo || !this.child) return true;
    const child = this.child;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        resolve(false);
      }, timeoutMs);
      const onExit = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      child.once('exit', onExit);
    });
  }

  /** Graceful stop: SIGCONT (in case it is paused), SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.child || this.exitInfo) return this.closeLog();
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    if (!(await this.waitExit(graceMs))) {
      this.signal('SIGKILL');
      await this.waitExit(2000);
    }
    this.closeLog();
  }

  /** SIGKILL the whole group and wait for the exit to be observed. */
  async kill(): Promise<void> {
    if (!this.child || this.exitInfo) return;
    this.signal('SIGKILL');
    await this.waitExit(5000);
    const pid = this.child.pid;
    if (pid !== undefined && isAlive(pid)) throw new Error(`${this.spec.name} (pid ${pid}) survived SIGKILL`);
  }

  private closeLog(): void {
    this.log?.end();
    this.log = undefined;
  }
}
