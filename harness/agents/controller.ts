/**
 * The agents' controller: listens for its agents (they dial in, protocol.ts), launches them, and runs jobs — each
 * job's plan split into chunks (chunks.ts), handed out, started together once every agent is ready (the barrier),
 * and the agents' results merged into one (histograms exactly, ledgers concatenated; harness/load/result.ts).
 * Shutting down says bye, closes the control connections (agents stop by themselves) and removes the agents.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { LoadProgress } from '../load/engine.js';
import type { ProcessLimits } from '../load/limits.js';
import type { LoadPlan } from '../load/plan.js';
import { mergeResults, type LoadResult } from '../load/result.js';
import { splitPlan } from './chunks.js';
import { AgentLink } from './link.js';
import type { AgentMessage, JobMode } from './protocol.js';
import type { Launcher } from './launchers/launcher.js';

export interface ControllerOptions {
  agents: number;
  launcher: Launcher;
  /** Each agent's hard time bound (they exit by themselves after it). */
  maxMs: number;
  /** Every agent must have said hello within this (default 60 s). */
  helloTimeoutMs?: number;
  onProgress?: (agent: number, job: number, p: LoadProgress) => void;
  log?: (line: string) => void;
}

/** One agent's share of a job. */
export interface AgentPart {
  agent: number;
  result: LoadResult;
  /** Connections the agent holds after the job (all its ramp jobs), and of those its earlier jobs'. */
  held: number;
  heldBefore: number;
}

export interface JobOutcome {
  /** The agents' results as one: histogram counts are the sums of theirs. */
  result: LoadResult;
  parts: AgentPart[];
  held: number;
  heldBefore: number;
}

/** The barrier's head start: every agent gets `start` at once and waits this long before its first connect. */
const START_IN_MS = 100;

export class AgentController {
  private readonly server = net.createServer();
  private readonly links = new Map<number, AgentLink>();
  private readonly token = randomBytes(16).toString('hex');
  private nextJob = 1;
  private readonly lastHeld = new Map<number, number>();
  private failure: string | null = null;
  private helloWaiter: (() => void) | null = null;

  private constructor(private readonly o: ControllerOptions) {}

  /** Listens, launches the agents and waits for every hello; on failure everything started is removed. */
  static async start(o: ControllerOptions): Promise<AgentController> {
    const c = new AgentController(o);
    try {
      await c.listenAndLaunch();
      return c;
    } catch (err) {
      await c.shutdown();
      throw err;
    }
  }

  get launcherKind(): Launcher['kind'] {
    return this.o.launcher.kind;
  }

  get count(): number {
    return this.links.size;
  }

  /** Each agent's limits, as it reported them in its hello (index order). */
  limits(): ProcessLimits[] {
    return [...this.links.values()].sort((a, b) => a.index - b.index).map((l) => l.hello.limits);
  }

  private async listenAndLaunch(): Promise<void> {
    const { bind, advertise } = await this.o.launcher.controllerAddress();
    this.server.on('connection', this.onConnection);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, bind, () => resolve());
    });
    const port = (this.server.address() as net.AddressInfo).port;
    this.o.log?.(`agents: controller on ${bind}:${port}, launching ${this.o.agents} ${this.o.launcher.kind} agent(s)`);
    const allHere = new Promise<void>((resolve) => (this.helloWaiter = resolve));
    await this.o.launcher.launch(
      { count: this.o.agents, controller: { host: advertise, port }, token: this.token, maxMs: this.o.maxMs },
      this.onAgentExit,
    );
    const timeoutMs = this.o.helloTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([allHere, timeout]);
    clearTimeout(timer);
    if (this.links.size < this.o.agents) {
      const missing = [...Array(this.o.agents).keys()].filter((k) => !this.links.has(k));
      throw new Error(
        `agents ${missing.join(', ')} (${this.o.launcher.kind}) did not connect to the controller at ${advertise}:${port}` +
          (this.failure ? `: ${this.failure}` : ` within ${timeoutMs} ms`),
      );
    }
  }

  private readonly onAgentExit = (index: number, why: string): void => {
    if (this.links.has(index)) return;
    this.failure ??= `agent ${index} ${why}`;
    this.helloWaiter?.();
  };

  private readonly onConnection = (socket: net.Socket): void => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), 10_000);
    const onFirstData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const nl = buffered.indexOf(10);
      if (nl < 0) return buffered.length > 65_536 ? void socket.destroy() : undefined;
      socket.off('data', onFirstData);
      clearTimeout(timer);
      this.admit(socket, buffered.subarray(0, nl).toString(), buffered.subarray(nl + 1));
    };
    socket.on('data', onFirstData);
    socket.on('error', onIgnoredError);
  };

  private admit(socket: net.Socket, line: string, rest: Buffer): void {
    let hello: AgentMessage | undefined;
    try {
      hello = JSON.parse(line) as AgentMessage;
    } catch {
      /* refused below */
    }
    const ok =
      hello?.t === 'hello' &&
      Number.isInteger(hello.agent) &&
      hello.agent >= 0 &&
      hello.agent < this.o.agents &&
      !this.links.has(hello.agent) &&
      sameToken(hello.token, this.token);
    if (!ok || hello?.t !== 'hello') {
      socket.destroy();
      return;
    }
    const link = new AgentLink(hello.agent, socket, hello, rest);
    link.onProgress = (m) => this.o.onProgress?.(link.index, m.job, m.progress);
    this.links.set(hello.agent, link);
    if (this.links.size === this.o.agents) this.helloWaiter?.();
  }

  /**
   * One job over the agents: `plan` split into chunks, every chunk's engine built (ready = the barrier), started
   * together, results merged. 'ramp' jobs leave their connections open until closeAll().
   */
  async job(plan: LoadPlan, mode: JobMode, stopAfterMs: number): Promise<JobOutcome> {
    const job = this.nextJob++;
    const chunks = splitPlan(this.o.launcher.agentPlan?.(plan) ?? plan, this.links.size);
    const links = chunks.map((_, k) => this.links.get(k)!);
    links.forEach((l, k) => l.send({ t: 'plan', job, mode, plan: chunks[k]!, stopAfterMs }));
    await Promise.all(links.map((l) => l.next('ready', job, 30_000)));
    for (const l of links) l.send({ t: 'start', job, inMs: START_IN_MS });
    if (mode === 'run')
      for (const after of ['ramp', 'publish'] as const) {
        // Barriers: publishing starts once every agent's clients (so its subscribers) are in; draining and closing
        // once every agent has published (a subscriber must not leave while another agent still sends to it).
        await Promise.all(links.map((l) => l.nextReached(job, after, stopAfterMs + START_IN_MS + 30_000)));
        for (const l of links) l.send({ t: 'go', job, after });
      }
    const replies = await Promise.all(links.map((l) => l.next('result', job, stopAfterMs + START_IN_MS + 30_000)));
    const parts = replies.map((r, k) => ({ agent: k, result: r.result, held: r.held, heldBefore: r.heldBefore }));
    for (const p of parts) this.lastHeld.set(p.agent, p.held);
    // Agents without a chunk this time (fewer clients than agents) count with what they held after their last job.
    let idleHeld = 0;
    for (const [k, n] of this.lastHeld) if (k >= links.length) idleHeld += n;
    return {
      result: mergeResults(parts.map((p) => p.result)),
      parts,
      held: parts.reduce((a, p) => a + p.held, idleHeld),
      heldBefore: parts.reduce((a, p) => a + p.heldBefore, idleHeld),
    };
  }

  /** Every agent closes every connection it holds. */
  async closeAll(): Promise<void> {
    const links = [...this.links.values()].filter((l) => !l.closedWith);
    for (const l of links) l.send({ t: 'close' });
    await Promise.all(links.map((l) => l.next('closed', undefined, 30_000)));
    this.lastHeld.clear();
  }

  /** Bye to every agent, control connections closed, agents removed by the launcher. Never throws. */
  async shutdown(): Promise<void> {
    for (const l of this.links.values()) {
      l.send({ t: 'bye' });
      l.socket.end();
    }
    const deadline = setTimeout(() => this.links.forEach((l) => l.socket.destroy()), 10_000);
    await Promise.all([...this.links.values()].map(closedSocket));
    clearTimeout(deadline);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.o.launcher.stop().catch((err: Error) => this.o.log?.(`agents: removing them: ${err.message}`));
  }
}

function onIgnoredError(): void {
  /* a refused or broken control connection: its close is what matters */
}

function closedSocket(l: AgentLink): Promise<void> {
  if (l.socket.destroyed || l.closedWith) return Promise.resolve();
  return new Promise((resolve) => l.socket.once('close', () => resolve()));
}

function sameToken(a: unknown, b: string): boolean {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
