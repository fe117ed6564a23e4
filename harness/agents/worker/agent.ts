/**
 * A load agent: the same LoadEngine as in-process runs, driven by a controller over one TCP connection (JSON lines,
 * protocol.ts). It says hello, takes plan chunks, answers ready (the barrier), starts when told, and sends back its
 * result with histograms encoded. It stops by itself when the control connection closes (the controller went away)
 * and at its hard time bound, closing every connection it opened either way.
 */
import net from 'node:net';
import os from 'node:os';
import { LoadEngine, type EngineBarrier, type LoadProgress } from '../../load/engine.js';
import { processLimits } from '../../load/limits.js';
import { encodeMessage, LineDecoder, type AgentMessage, type ControllerMessage, type JobMode } from '../protocol.js';

export interface AgentOptions {
  controller: { host: string; port: number };
  index: number;
  token: string;
  /** Hard bound on the agent's life (connect, jobs, close). */
  maxMs: number;
  /** Keep trying to reach the controller this long (containers and pods may start before it is routable). */
  connectForMs?: number;
  log?: (line: string) => void;
}

interface Job {
  engine: LoadEngine;
  mode: JobMode;
  stopAfterMs: number;
  /** A 'run' job's barriers: each resolves at the controller's `go`; release() opens them all (stop, deadline). */
  gates: Map<EngineBarrier, Gate>;
  released: boolean;
}

interface Gate {
  open: Promise<void>;
  release: () => void;
}

function gate(): Gate {
  let release = (): void => undefined;
  const open = new Promise<void>((resolve) => (release = resolve));
  return { open, release };
}

function releaseAll(j: Job): void {
  j.released = true;
  for (const g of j.gates.values()) g.release();
}

/** Exit codes: 0 after `bye` or a clean controller close, 1 never connected / protocol error, 3 time bound reached. */
export type AgentExit = 0 | 1 | 3;

export class Agent {
  private socket: net.Socket | null = null;
  private readonly jobs = new Map<number, Job>();
  /** Ramp jobs' engines (their connections are held until `close`). */
  private readonly holding: LoadEngine[] = [];
  private finished: ((code: AgentExit) => void) | null = null;
  private ending = false;
  private bound: NodeJS.Timeout | null = null;
  private readonly decoder = new LineDecoder<ControllerMessage>(
    (m) => void this.onMessage(m),
    (line) => this.log(`bad control line: ${line.slice(0, 200)}`),
  );

  constructor(private readonly o: AgentOptions) {}

  private log(line: string): void {
    this.o.log?.(`agent ${this.o.index}: ${line}`);
  }

  /** Connects, serves the controller, and resolves with the exit code once everything is closed. */
  async run(): Promise<AgentExit> {
    const done = new Promise<AgentExit>((resolve) => (this.finished = resolve));
    this.bound = setTimeout(() => void this.end(3, `hard time bound ${this.o.maxMs} ms reached`), this.o.maxMs);
    const socket = await this.connect();
    if (!socket) {
      await this.end(1, `could not reach the controller at ${this.o.controller.host}:${this.o.controller.port}`);
      return done;
    }
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    this.send({
      t: 'hello',
      agent: this.o.index,
      token: this.o.token,
      pid: process.pid,
      host: os.hostname(),
      limits: processLimits(),
    });
    return done;
  }

  private async connect(): Promise<net.Socket | null> {
    const until = Date.now() + (this.o.connectForMs ?? 30_000);
    while (!this.ending && Date.now() < until) {
      const s = await new Promise<net.Socket | null>((resolve) => {
        const sock = net.connect(this.o.controller);
        const onConnect = (): void => {
          sock.off('error', onFail);
          resolve(sock);
        };
        const onFail = (): void => {
          sock.destroy();
          resolve(null);
        };
        sock.once('connect', onConnect);
        sock.once('error', onFail);
      });
      if (s) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
    return null;
  }

  private readonly onData = (chunk: Buffer): void => this.decoder.push(chunk);
  private readonly onClose = (): void => void this.end(0, 'control connection closed');
  private readonly onError = (err: Error): void => this.log(`control connection: ${err.message}`);

  private send(m: AgentMessage): void {
    if (this.socket && !this.socket.destroyed) this.socket.write(encodeMessage(m));
  }

  private async onMessage(m: ControllerMessage): Promise<void> {
    try {
      switch (m.t) {
        case 'plan':
          return this.plan(m.job, m.mode, m);
        case 'start':
          return await this.start(m.job, m.inMs);
        case 'go':
          return this.jobs.get(m.job)?.gates.get(m.after)?.release();
        case 'stop': {
          const j = this.jobs.get(m.job);
          j?.engine.stop();
          return j && releaseAll(j);
        }
        case 'close':
          await this.closeAll();
          return this.send({ t: 'closed' });
        case 'bye':
          return await this.end(0, 'bye');
      }
    } catch (err) {
      this.send({ t: 'error', ...('job' in m ? { job: m.job } : {}), message: (err as Error).message });
    }
  }

  private plan(job: number, mode: JobMode, m: Extract<ControllerMessage, { t: 'plan' }>): void {
    const engine = new LoadEngine(m.plan);
    const gates = new Map<EngineBarrier, Gate>([
      ['ramp', gate()],
      ['publish', gate()],
    ]);
    this.jobs.set(job, { engine, mode, stopAfterMs: m.stopAfterMs, gates, released: false });
    this.send({ t: 'ready', job });
  }

  private async start(job: number, inMs: number): Promise<void> {
    const j = this.jobs.get(job);
    if (!j) throw new Error(`start: no job ${job}`);
    if (inMs > 0) await new Promise((r) => setTimeout(r, inMs));
    const onProgress = (progress: LoadProgress): void => this.send({ t: 'progress', job, progress });
    j.engine.on('progress', onProgress);
    const stopper = setTimeout(() => {
      j.engine.stop('deadline');
      releaseAll(j);
    }, j.stopAfterMs);
    try {
      if (j.mode === 'run')
        await j.engine.run((after) => {
          if (!j.released) this.send({ t: 'reached', job, after });
          return j.gates.get(after)!.open;
        });
      else {
        this.holding.push(j.engine);
        await j.engine.ramp();
      }
    } finally {
      clearTimeout(stopper);
      j.engine.off('progress', onProgress);
    }
    this.jobs.delete(job);
    const held = this.holding.reduce((a, e) => a + e.connected, 0);
    this.send({ t: 'result', job, result: j.engine.result(), held, heldBefore: held - j.engine.connected });
  }

  private async closeAll(): Promise<void> {
    const engines = [...this.holding, ...[...this.jobs.values()].map((j) => j.engine)];
    this.holding.length = 0;
    for (const j of this.jobs.values()) releaseAll(j);
    for (const e of engines) e.stop();
    await Promise.all(engines.map((e) => e.closeAll()));
  }

  /** Closes everything and exits the run (SIGTERM/SIGINT). */
  terminate(): void {
    void this.end(0, 'terminated by a signal');
  }

  private async end(code: AgentExit, why: string): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    this.log(`stopping: ${why}`);
    if (this.bound) clearTimeout(this.bound);
    await this.closeAll();
    this.socket?.end();
    this.socket?.destroy();
    this.finished?.(code);
  }
}
