/**
 * Run directories: every run gets `<state root>/runs/<runId>/` holding its pid files, logs and
 * generated files, so a later run (or `mqtt-lb down`) can find and stop whatever a crashed run left.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export function stateRoot(): string {
  const dir = process.env.MQTT_LB_STATE_DIR ?? path.join(os.tmpdir(), `mqtt-lb-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function newRunId(): string {
  const d = new Date();
  const stamp = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The variable that keeps a run's directory (logs, generated configs, PKI) after the run instead of removing it. */
export const KEEP_RUN_DIR_ENV = 'MQTT_LB_KEEP_RUN_DIR';

export function keepRunDirRequested(): boolean {
  return process.env[KEEP_RUN_DIR_ENV] === '1';
}

/** What a kept run directory holds instead of owner.json: the run is over, nothing may sweep or stop it. */
const KEPT_FILE = 'kept.json';

export interface PidRecord {
  name: string;
  pid: number;
  runId: string;
  command: string;
  startedAt: string;
}

export interface RunOwner {
  runId: string;
  pid: number;
  startedAt: string;
  /** 'run' deployments die with their owner; 'up' deployments outlive the CLI that started them. */
  mode: 'run' | 'up';
}

export class RunDir {
  readonly path: string;
  constructor(
    readonly runId: string,
    root = stateRoot(),
  ) {
    this.path = path.join(root, 'runs', runId);
  }

  create(mode: RunOwner['mode']): this {
    mkdirSync(path.join(this.path, 'pids'), { recursive: true });
    mkdirSync(path.join(this.path, 'logs'), { recursive: true });
    const owner: RunOwner = { runId: this.runId, pid: process.pid, startedAt: new Date().toISOString(), mode };
    writeFileSync(path.join(this.path, 'owner.json'), JSON.stringify(owner));
    return this;
  }

  file(...parts: string[]): string {
    const p = path.join(this.path, ...parts);
    mkdirSync(path.dirname(p), { recursive: true });
    return p;
  }

  dir(...parts: string[]): string {
    const p = path.join(this.path, ...parts);
    mkdirSync(p, { recursive: true });
    return p;
  }

  logFile(name: string): string {
    return this.file('logs', `${name}.log`);
  }

  recordPid(rec: PidRecord): void {
    writeFileSync(path.join(this.path, 'pids', `${rec.name}.json`), JSON.stringify(rec));
  }

  forgetPid(name: string): void {
    rmSync(path.join(this.path, 'pids', `${name}.json`), { force: true });
  }

  pids(): PidRecord[] {
    const dir = path.join(this.path, 'pids');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => {
        try {
          return [JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as PidRecord];
        } catch {
          return [];
        }
      });
  }

  owner(): RunOwner | undefined {
    try {
      return JSON.parse(readFileSync(path.join(this.path, 'owner.json'), 'utf8')) as RunOwner;
    } catch {
      return undefined;
    }
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }

  /**
   * The run is over: removes its directory, or with MQTT_LB_KEEP_RUN_DIR=1 keeps it. A kept directory gives up
   * its owner.json (renamed kept.json), so a later run's sweep, `mqtt-lb down` and `status` no longer take it for a
   * crashed or live run; it stays until removed by hand.
   */
  release(): 'removed' | 'kept' {
    if (!keepRunDirRequested()) {
      this.remove();
      return 'removed';
    }
    if (existsSync(this.path) && !this.kept()) {
      try {
        renameSync(path.join(this.path, 'owner.json'), path.join(this.path, KEPT_FILE));
      } catch {
        writeFileSync(path.join(this.path, KEPT_FILE), JSON.stringify({ runId: this.runId }));
      }
      process.stderr.write(`[mqtt-lb] ${KEEP_RUN_DIR_ENV}=1: kept the run directory ${this.path}\n`);
    }
    return 'kept';
  }

  /** Whether release() kept this directory (MQTT_LB_KEEP_RUN_DIR=1) after its run ended. */
  kept(): boolean {
    return existsSync(path.join(this.path, KEPT_FILE));
  }
}

export function listRunDirs(root = stateRoot()): RunDir[] {
  const dir = path.join(root, 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((id) => new RunDir(id, root));
}
