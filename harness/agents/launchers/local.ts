/**
 * Local agents: child processes of this one (`node dist/harness/agents/worker/main.js …`, what `mqtt-lb agent` runs), each with its own open-files limit, so
 * the client side scales past one process. Each is killed by the kernel if this process dies (setpriv
 * --pdeathsig), stops by itself when its control connection closes, and has a hard time bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { withParentDeathSignal } from '../../proc/child.js';
import { builtFile } from '../../util/project-root.js';
import { agentArgs, TOKEN_ENV, type Launcher, type LaunchSpec } from './launcher.js';

export class LocalLauncher implements Launcher {
  readonly kind = 'local';
  private readonly children: ChildProcess[] = [];
  /** Last stderr lines per agent (quoted when one fails). */
  readonly tails = new Map<number, string[]>();

  controllerAddress(): Promise<{ bind: string; advertise: string }> {
    return Promise.resolve({ bind: '127.0.0.1', advertise: '127.0.0.1' });
  }

  launch(spec: LaunchSpec, onExit: (index: number, why: string) => void): Promise<void> {
    // The agent's own entry (only the engine), not the whole CLI: it starts in a fraction of the time.
    const entry = builtFile('harness/agents/worker/main.js');
    for (let k = 0; k < spec.count; k++) {
      const { command, args } = withParentDeathSignal(process.execPath, [entry, ...agentArgs(spec, k).slice(1)]);
      const child = spawn(command, args, {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, [TOKEN_ENV]: spec.token },
      });
      const tail: string[] = [];
      this.tails.set(k, tail);
      child.stderr!.on('data', (chunk: Buffer) => keepTail(tail, chunk));
      child.once('exit', (code, signal) => onExit(k, `exited (${signal ?? code}): ${tail.slice(-5).join(' | ')}`));
      child.once('error', (err) => onExit(k, `could not start: ${err.message}`));
      this.children.push(child);
    }
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    const live = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    const gone = live.map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
    const timer = setTimeout(() => live.forEach((c) => c.kill('SIGKILL')), 10_000);
    for (const c of live) c.kill('SIGTERM');
    await Promise.all(gone);
    clearTimeout(timer);
  }
}

function keepTail(tail: string[], chunk: Buffer): void {
  tail.push(...String(chunk).split('\n').filter(Boolean));
  if (tail.length > 30) tail.splice(0, tail.length - 30);
}
