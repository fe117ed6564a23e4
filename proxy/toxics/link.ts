/**
 * One direction of one connection with toxics: source socket → stages (in the order the toxics were
 * added) → destination socket. Stages are added, replaced (on update) and removed while bytes flow; a
 * removed stage hands what it holds to the next one. Backpressure: the source pauses while the stages
 * and the destination's write buffer hold more than HIGH_WATER bytes.
 */
import type net from 'node:net';
import { TOXIC_KINDS } from './registry.js';
import { PassStage } from './stage.js';
import type { Chunk, Stage, StageOutput, ToxicEnv, ToxicSpec, ToxicState } from './types.js';

const HIGH_WATER = 64 * 1024;
const LINK_IN = Symbol('ts-proxy.toxic-link-in');
const LINK_OUT = Symbol('ts-proxy.toxic-link-out');
type LinkedSocket = net.Socket & { [LINK_IN]?: ToxicLink; [LINK_OUT]?: ToxicLink };

/** What a link asks of its connection when a toxic closes or resets it. */
export interface LinkControl {
  close(why: string): void;
  reset(why: string): void;
}

interface Entry {
  spec: ToxicSpec;
  stage: Stage;
}

function onToxicSourceData(this: LinkedSocket, data: Buffer): void {
  this[LINK_IN]?.receive(data);
}
function onToxicSourceEnd(this: LinkedSocket): void {
  this[LINK_IN]?.sourceEnded();
}
function onToxicDestDrain(this: LinkedSocket): void {
  this[LINK_OUT]?.relieve();
}

/** The output of one stage: the next stage's input, or the destination after the last. */
class Outlet implements StageOutput {
  entry: Entry | null = null;
  constructor(private readonly link: ToxicLink) {}
  push(chunk: Chunk): void {
    this.link.forward(this.entry, chunk);
  }
  end(): void {
    this.link.endFrom(this.entry);
  }
  close(why: string): void {
    this.link.control.close(why);
  }
  reset(why: string): void {
    this.link.control.reset(why);
  }
}

export class ToxicLink {
  private entries: Entry[] = [];
  private readonly states = new Map<string, ToxicState>();
  private paused = false;
  private disposed = false;

  constructor(
    private readonly source: net.Socket,
    private readonly dest: net.Socket,
    readonly control: LinkControl,
    private readonly env: ToxicEnv,
  ) {}

  /** Starts reading the source through the stages (it was unlinked from direct forwarding, if it was). */
  start(specs: readonly ToxicSpec[], first: Buffer | null): void {
    this.sync(specs);
    const s = this.source as LinkedSocket;
    s[LINK_IN] = this;
    (this.dest as LinkedSocket)[LINK_OUT] = this;
    this.dest.on('drain', onToxicDestDrain);
    if (first) this.receive(first);
    s.on('data', onToxicSourceData);
    if (s.readableEnded) {
      if (!this.dest.writableEnded) this.sourceEnded();
    } else s.on('end', onToxicSourceEnd);
    if (!this.paused) s.resume();
  }

  /** Makes the stages match the toxics of this direction: removed, replaced when changed, appended when new. */
  sync(specs: readonly ToxicSpec[]): void {
    for (const e of [...this.entries]) {
      const now = specs.find((s) => s.name === e.spec.name);
      if (now === e.spec) continue;
      if (!now) this.remove(e);
      else this.replace(e, now);
    }
    for (const spec of specs) if (!this.entries.some((e) => e.spec.name === spec.name)) this.append(spec);
    this.relieve();
  }

  /** Stops every timer (the connection is gone). */
  dispose(): void {
    this.disposed = true;
    for (const e of this.entries) e.stage.take();
    this.entries = [];
    this.source.removeListener('data', onToxicSourceData);
    this.source.removeListener('end', onToxicSourceEnd);
    this.dest.removeListener('drain', onToxicDestDrain);
  }

  private create(spec: ToxicSpec): Entry {
    const outlet = new Outlet(this);
    let state = this.states.get(spec.name);
    if (!state) this.states.set(spec.name, (state = { bytes: 0 }));
    const applies = this.env.random() < spec.toxicity;
    const stage = applies
      ? TOXIC_KINDS.get(spec.type)!.create(spec.attributes, outlet, this.env, state)
      : new PassStage(outlet, this.env);
    const entry = { spec, stage };
    outlet.entry = entry;
    return entry;
  }

  private append(spec: ToxicSpec): void {
    this.entries.push(this.create(spec));
  }

  private replace(old: Entry, spec: ToxicSpec): void {
    const fresh = this.create(spec);
    this.entries[this.entries.indexOf(old)] = fresh;
    const held = old.stage.take();
    for (const c of held.chunks) fresh.stage.push(c);
    if (held.ended) fresh.stage.end();
  }

  private remove(old: Entry): void {
    const i = this.entries.indexOf(old);
    this.entries.splice(i, 1);
    this.states.delete(old.spec.name);
    const held = old.stage.take();
    const next = this.entries[i] as Entry | undefined;
    for (const c of held.chunks) {
      if (next) next.stage.push(c);
      else this.write(c.data);
    }
    if (held.ended) {
      if (next) next.stage.end();
      else this.endDest();
    }
  }

  /** @internal Bytes from the source. */
  receive(data: Buffer): void {
    if (this.disposed) return;
    const chunk = { data, at: this.env.now() };
    const first = this.entries[0];
    if (first) first.stage.push(chunk);
    else this.write(data);
    if (!this.paused && this.heldBytes() > HIGH_WATER) {
      this.paused = true;
      this.source.pause();
    }
  }

  /** @internal */
  sourceEnded(): void {
    if (this.disposed) return;
    const first = this.entries[0];
    if (first) first.stage.end();
    else this.endDest();
  }

  /** @internal A stage's output: on to the next stage, or written to the destination. */
  forward(from: Entry | null, chunk: Chunk): void {
    const i = from ? this.entries.indexOf(from) : -1;
    if (i < 0 || this.disposed) return;
    const next = this.entries[i + 1];
    if (next) next.stage.push(chunk);
    else this.write(chunk.data);
  }

  /** @internal */
  endFrom(from: Entry | null): void {
    const i = from ? this.entries.indexOf(from) : -1;
    if (i < 0 || this.disposed) return;
    const next = this.entries[i + 1];
    if (next) next.stage.end();
    else this.endDest();
  }

  private write(data: Buffer): void {
    if (this.dest.destroyed || this.dest.writableEnded) return;
    this.dest.write(data);
    this.relieve();
  }

  private endDest(): void {
    if (!this.dest.destroyed && !this.dest.writableEnded) this.dest.end();
  }

  /** @internal Resumes the source once the held bytes are below the mark. */
  relieve(): void {
    if (!this.paused || this.disposed || this.heldBytes() > HIGH_WATER) return;
    this.paused = false;
    this.source.resume();
  }

  private heldBytes(): number {
    let n = this.dest.writableLength;
    for (const e of this.entries) n += e.stage.held();
    return n;
  }
}
