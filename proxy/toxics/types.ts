/**
 * The shared vocabulary of toxics (Toxiproxy's model): a chunk with its arrival time, the stage each toxic
 * runs as on one direction of one connection, where a stage sends its output, and the clock it waits on.
 */

export type ToxicStream = 'upstream' | 'downstream';
export const TOXIC_STREAMS: readonly ToxicStream[] = ['upstream', 'downstream'];

/** A toxic as the REST API shows it (Toxiproxy's JSON shape); immutable — an update makes a new object. */
export interface ToxicSpec {
  readonly name: string;
  readonly type: string;
  readonly stream: ToxicStream;
  /** Share of connections the toxic applies to (0–1), drawn per connection. */
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

/** Bytes read from the source, stamped with their arrival time (ms on the env's clock). */
export interface Chunk {
  readonly data: Buffer;
  readonly at: number;
}

/** Where a stage sends data: the next stage or, after the last, the destination socket. */
export interface StageOutput {
  push(chunk: Chunk): void;
  /** The source ended (FIN), after every chunk pushed before. */
  end(): void;
  /** Closes the connection (both sides), after the bytes already written (Toxiproxy `stub.Close()`). */
  close(why: string): void;
  /** Resets the connection (TCP RST to both peers). */
  reset(why: string): void;
}

/** Clock, timers and randomness: real ones in the proxy, a manual clock in the unit tests. */
export interface ToxicEnv {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
  /** Uniform in [0, 1). */
  random(): number;
}

/** One toxic running on one direction of one connection. */
export interface Stage {
  push(chunk: Chunk): void;
  end(): void;
  /** Bytes held inside (counted for backpressure). */
  held(): number;
  /** Stops the stage (removal, update or connection end) and hands back what it still holds, in order. */
  take(): { chunks: Chunk[]; ended: boolean };
}

/** How a toxic type is declared: its attributes (all numbers, default 0) and its stage. */
export interface ToxicKind {
  readonly type: string;
  readonly attributes: readonly string[];
  /** `state` survives updates of the toxic on one connection (limit_data counts bytes across them). */
  create(attrs: Readonly<Record<string, number>>, out: StageOutput, env: ToxicEnv, state: ToxicState): Stage;
}

/** Per connection, per toxic name: survives updates of the toxic. */
export interface ToxicState {
  bytes: number;
}

/** Node's clock and timers. */
export const realEnv: ToxicEnv = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
  random: () => Math.random(),
};
