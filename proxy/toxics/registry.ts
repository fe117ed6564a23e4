/**
 * The toxic types TS-proxy knows (one file each, as Toxiproxy's toxics/*.go) and the validation of a toxic
 * body from the REST API into an immutable ToxicSpec (Toxiproxy's defaults and error messages).
 */
import { bandwidthToxic } from './bandwidth.js';
import { latencyToxic } from './latency.js';
import { limitDataToxic } from './limit-data.js';
import { resetPeerToxic } from './reset-peer.js';
import { slicerToxic } from './slicer.js';
import { slowCloseToxic } from './slow-close.js';
import { timeoutToxic } from './timeout.js';
import { TOXIC_STREAMS, type ToxicKind, type ToxicSpec, type ToxicStream } from './types.js';

export const TOXIC_KINDS: ReadonlyMap<string, ToxicKind> = new Map(
  [latencyToxic, bandwidthToxic, slicerToxic, timeoutToxic, resetPeerToxic, limitDataToxic, slowCloseToxic].map((k) => [
    k.type,
    k,
  ]),
);

/** An error the REST API answers with `{error, status}` (Toxiproxy's ApiError). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

function isObject(v: unknown): v is Body {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toxicity(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ApiError('bad request body: toxicity must be 0–1', 400);
  return v;
}

function attributes(kind: ToxicKind, given: unknown, base: Readonly<Record<string, number>>) {
  if (given !== undefined && !isObject(given)) throw new ApiError('bad request body: attributes', 400);
  const out: Record<string, number> = {};
  for (const key of kind.attributes) {
    const v = given?.[key] ?? base[key] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new ApiError(`bad request body: attributes.${key} must be a number ≥ 0`, 400);
    out[key] = v;
  }
  return Object.freeze(out);
}

/** A new toxic from a POST body: stream `downstream`, toxicity 1 and name `<type>_<stream>` by default. */
export function toxicFromBody(body: unknown): ToxicSpec {
  if (!isObject(body)) throw new ApiError('bad request body', 400);
  const streamText = body.stream ?? 'downstream';
  if (!TOXIC_STREAMS.includes(streamText as ToxicStream))
    throw new ApiError('stream was invalid, can be either upstream or downstream', 400);
  const stream = streamText as ToxicStream;
  const kind = typeof body.type === 'string' ? TOXIC_KINDS.get(body.type) : undefined;
  if (!kind) throw new ApiError('invalid toxic type', 400);
  if (body.name !== undefined && typeof body.name !== 'string') throw new ApiError('bad request body: name', 400);
  const name = (body.name as string | undefined) || `${kind.type}_${stream}`;
  return Object.freeze({
    name,
    type: kind.type,
    stream,
    toxicity: toxicity(body.toxicity, 1),
    attributes: attributes(kind, body.attributes, {}),
  });
}

/** An update (POST to the toxic): attributes merge into the current ones; toxicity kept unless given. */
export function updatedToxic(current: ToxicSpec, body: unknown): ToxicSpec {
  if (!isObject(body)) throw new ApiError('bad request body', 400);
  const kind = TOXIC_KINDS.get(current.type)!;
  return Object.freeze({
    ...current,
    toxicity: toxicity(body.toxicity, current.toxicity),
    attributes: attributes(kind, body.attributes, current.attributes),
  });
}

/** The JSON shape Toxiproxy answers with (key order as its Go struct). */
export function toxicJson(t: ToxicSpec): unknown {
  return { attributes: t.attributes, name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity };
}
