/**
 * The controller's end of one agent's control connection: decodes its lines, hands `progress` to a listener, and
 * lets the controller wait for the next message of a kind (with a deadline); an `error` line or the connection
 * closing fails whoever waits.
 */
import type net from 'node:net';
import { encodeMessage, LineDecoder, type AgentMessage, type ControllerMessage } from './protocol.js';

type Kind = AgentMessage['t'];
type Of<K extends Kind> = Extract<AgentMessage, { t: K }>;

interface Waiter {
  kind: Kind;
  job: number | undefined;
  resolve: (m: AgentMessage) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class AgentLink {
  private readonly inbox: AgentMessage[] = [];
  private readonly waiters = new Set<Waiter>();
  /** Errors no one was waiting for: the next wait fails with the first. */
  private readonly unclaimed: string[] = [];
  private readonly decoder: LineDecoder<AgentMessage>;
  closedWith: string | null = null;
  onProgress: ((m: Of<'progress'>) => void) | null = null;

  constructor(
    readonly index: number,
    readonly socket: net.Socket,
    readonly hello: Of<'hello'>,
    rest: Buffer,
  ) {
    this.decoder = new LineDecoder<AgentMessage>(this.onMessage, (line) =>
      this.failAll(`agent ${index} sent a line that is not a message: ${line.slice(0, 200)}`),
    );
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    if (rest.length) this.decoder.push(rest);
  }

  send(m: ControllerMessage): void {
    if (!this.socket.destroyed) this.socket.write(encodeMessage(m));
  }

  /** The next `kind` message (of `job`, when given), or a rejection at the deadline / error / close. */
  next<K extends Kind>(kind: K, job: number | undefined, timeoutMs: number): Promise<Of<K>> {
    const i = this.inbox.findIndex((m) => matches(m, kind, job));
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as Of<K>);
    const err = this.unclaimed.shift() ?? this.closedWith;
    if (err) return Promise.reject(new Error(err));
    return new Promise<Of<K>>((resolve, reject) => {
      const w: Waiter = {
        kind,
        job,
        resolve: resolve as (m: AgentMessage) => void,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new Error(`agent ${this.index}: no '${kind}' within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  /** The next `reached` of `job` at barrier `after`. */
  async nextReached(job: number, after: string, timeoutMs: number): Promise<Of<'reached'>> {
    const m = await this.next('reached', job, timeoutMs);
    if (m.after !== after) throw new Error(`agent ${this.index}: reached '${m.after}', expected '${after}'`);
    return m;
  }

  private readonly onData = (chunk: Buffer): void => this.decoder.push(chunk);

  private readonly onMessage = (m: AgentMessage): void => {
    if (m.t === 'progress') return this.onProgress?.(m);
    if (m.t === 'error') return this.failAll(`agent ${this.index}: ${m.message}`, m.job);
    for (const w of this.waiters)
      if (matches(m, w.kind, w.job)) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        return w.resolve(m);
      }
    this.inbox.push(m);
  };

  private readonly onClose = (): void => {
    this.closedWith ??= `agent ${this.index}: control connection closed`;
    this.failAll(this.closedWith);
  };

  private readonly onError = (err: Error): void => {
    this.closedWith ??= `agent ${this.index}: control connection: ${err.message}`;
  };

  private failAll(message: string, job?: number): void {
    let claimed = false;
    for (const w of this.waiters) {
      if (job !== undefined && w.job !== undefined && w.job !== job) continue;
      this.waiters.delete(w);
      clearTimeout(w.timer);
      w.reject(new Error(message));
      claimed = true;
    }
    if (!claimed && !this.closedWith) this.unclaimed.push(message);
  }
}

function matches(m: AgentMessage, kind: Kind, job: number | undefined): boolean {
  return m.t === kind && (job === undefined || !('job' in m) || m.job === job);
}
