/** The network fault verbs as one discriminated union, validated by one schema (CLI words, control requests, tests). */
import { z } from 'zod';

/** tc rate units (tbf): bit, kbit, mbit, gbit, bps, kbps, mbps, gbps; a bare number is kbit. */
const RATE = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)?$/i;

export const netFaultSchema = z.discriminatedUnion('verb', [
  /** Drop every packet to and from the node's MQTT listeners (a silent partition: half-open links). */
  z.object({ verb: z.literal('partition') }).strict(),
  /** Drop packets towards the node's MQTT listeners only (the node's own packets still leave). */
  z.object({ verb: z.literal('blackhole') }).strict(),
  /** Answer every packet towards the node's MQTT listeners with a TCP reset. */
  z.object({ verb: z.literal('reset') }).strict(),
  /** Drop this share of the packets in both directions at random. */
  z.object({ verb: z.literal('loss'), pct: z.number().gt(0).max(100) }).strict(),
  /** Cap the node's outgoing bandwidth (tc rate, e.g. 800kbit; a bare number is kbit). */
  z
    .object({ verb: z.literal('bandwidth'), rate: z.string().regex(RATE, 'a tc rate such as 800kbit or 10mbit') })
    .strict(),
  /** Delay (and jitter) the node's outgoing packets, in ms. */
  z
    .object({
      verb: z.literal('delay'),
      ms: z.number().int().min(1).max(60_000),
      jitterMs: z.number().int().min(0).optional(),
    })
    .strict(),
  /** Remove every network fault of the node. */
  z.object({ verb: z.literal('heal') }).strict(),
]);

export type NetFault = z.infer<typeof netFaultSchema>;
export type NetFaultVerb = NetFault['verb'];
/** The verbs that put a fault in place (heal removes them). */
export type NetFaultKind = Exclude<NetFaultVerb, 'heal'>;

export const NET_FAULT_VERBS: readonly NetFaultVerb[] = [
  'partition',
  'heal',
  'blackhole',
  'reset',
  'loss',
  'bandwidth',
  'delay',
];
export const NET_FAULT_KINDS: readonly NetFaultKind[] = [
  'partition',
  'blackhole',
  'reset',
  'loss',
  'bandwidth',
  'delay',
];

/** How each verb is written on the command line, for usage text and errors. */
export const NET_FAULT_SYNTAX: Record<NetFaultVerb, string> = {
  partition: 'partition <node>',
  heal: 'heal <node>',
  blackhole: 'blackhole <node>',
  reset: 'reset <node>',
  loss: 'loss <node> <pct>',
  bandwidth: 'bandwidth <node> <rate>',
  delay: 'delay <node> <ms> [jitter-ms]',
};

export function isNetFaultVerb(verb: string): verb is NetFaultVerb {
  return (NET_FAULT_VERBS as readonly string[]).includes(verb);
}

/** The rate of a bandwidth fault as tc writes it (a bare number gets kbit). */
export function tcRate(rate: string): string {
  const m = RATE.exec(rate);
  if (!m) throw new Error(`not a tc rate: ${rate}`);
  return `${m[1]}${(m[2] ?? 'kbit').toLowerCase()}`;
}

function num(word: string | undefined): number | undefined {
  return word !== undefined && /^\d+(\.\d+)?$/.test(word) ? Number(word) : word === undefined ? undefined : NaN;
}

/** Parses `<verb> [params…]` (the words after the node) into a NetFault; throws with the reason and the syntax. */
export function parseNetFault(verb: string, params: readonly string[]): NetFault {
  if (!isNetFaultVerb(verb)) throw new Error(`'${verb}' is not a network fault verb (${NET_FAULT_VERBS.join(', ')})`);
  const raw: Record<string, unknown> = { verb };
  const arity = { loss: [1, 1], bandwidth: [1, 1], delay: [1, 2] } as Partial<Record<NetFaultVerb, [number, number]>>;
  const [min, max] = arity[verb] ?? [0, 0];
  if (params.length < min || params.length > max)
    throw new Error(`expected: ${NET_FAULT_SYNTAX[verb]} (got ${params.length} parameter(s))`);
  if (verb === 'loss') raw.pct = num(params[0]);
  if (verb === 'bandwidth') raw.rate = params[0];
  if (verb === 'delay') {
    raw.ms = num(params[0]);
    if (params[1] !== undefined) raw.jitterMs = num(params[1]);
  }
  return validateNetFault(raw);
}

/** Validates any value (a control request's JSON) as a NetFault; throws naming the field and the syntax. */
export function validateNetFault(value: unknown): NetFault {
  const r = netFaultSchema.safeParse(value);
  if (r.success) return r.data;
  const verb = (value as { verb?: unknown } | null)?.verb;
  const syntax = typeof verb === 'string' && isNetFaultVerb(verb) ? ` (${NET_FAULT_SYNTAX[verb]})` : '';
  const issue = r.error.issues[0]!;
  throw new Error(`bad network fault${syntax}: ${issue.path.join('.') || 'verb'}: ${issue.message}`);
}

/** One line for logs and the report: "loss 10 %", "delay 500 ms ± 100 ms". */
export function describeNetFault(f: NetFault): string {
  switch (f.verb) {
    case 'loss':
      return `loss ${f.pct} %`;
    case 'bandwidth':
      return `bandwidth ${tcRate(f.rate)}`;
    case 'delay':
      return `delay ${f.ms} ms${f.jitterMs ? ` ± ${f.jitterMs} ms` : ''}`;
    default:
      return f.verb;
  }
}

/** Which mechanism produced a fault, as the report and the CLI state it. */
export interface NetFaultReceipt {
  /** The node's name (harness/types.ts NodeName; a string here so this module stays below types.ts). */
  node: string;
  fault: NetFault;
  /** e.g. "iptables (chain MQTTLB-1a2b3c4d in the host namespace)", "tc tbf on eth0 in node2's namespace". */
  mechanism: string;
  /** What exactly was installed, one line. */
  detail: string;
  at: string;
}
