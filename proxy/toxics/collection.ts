/**
 * The toxics of one proxy (a TS-proxy frontend), in the order they were added, as Toxiproxy's
 * ToxicCollection. Every change is announced so the proxy's established connections follow at once.
 */
import { ApiError, toxicFromBody, updatedToxic } from './registry.js';
import type { ToxicSpec, ToxicStream } from './types.js';

export class ToxicCollection {
  private toxics: ToxicSpec[] = [];

  /** @param changed called after every change (the frontend re-syncs its connections). */
  constructor(private readonly changed: () => void) {}

  /** Number of toxics; 0 keeps new connections on the direct forwarding path. */
  get size(): number {
    return this.toxics.length;
  }

  list(stream?: ToxicStream): readonly ToxicSpec[] {
    return stream ? this.toxics.filter((t) => t.stream === stream) : this.toxics;
  }

  get(name: string): ToxicSpec {
    const t = this.toxics.find((x) => x.name === name);
    if (!t) throw new ApiError('toxic not found', 404);
    return t;
  }

  add(body: unknown): ToxicSpec {
    const spec = toxicFromBody(body);
    if (this.toxics.some((t) => t.name === spec.name)) throw new ApiError('toxic already exists', 409);
    this.toxics = [...this.toxics, spec];
    this.changed();
    return spec;
  }

  update(name: string, body: unknown): ToxicSpec {
    const spec = updatedToxic(this.get(name), body);
    this.toxics = this.toxics.map((t) => (t.name === name ? spec : t));
    this.changed();
    return spec;
  }

  remove(name: string): void {
    this.get(name);
    this.toxics = this.toxics.filter((t) => t.name !== name);
    this.changed();
  }

  clear(): void {
    if (this.toxics.length === 0) return;
    this.toxics = [];
    this.changed();
  }
}
