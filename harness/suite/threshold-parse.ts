/** Parses one suite's `thresholds.<suite>` with its zod schema; a refusal names the key as written in the profile. */
import type { z } from 'zod';

function valueAt(raw: unknown, keyPath: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const k of keyPath) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** `thresholds.<suite>.<key>: <message>` for the first issue of a failed parse. */
export function describeThresholdIssue(suite: string, issue: z.core.$ZodIssue, raw: unknown): string {
  const at = ['thresholds', suite, ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${at}.${k}: unknown key`).join('; ');
  if (issue.code === 'custom') return `${at}: ${issue.message}`;
  const sep = issue.message.startsWith(':') ? '' : ' ';
  return `${at}${sep}${issue.message}, got ${JSON.stringify(valueAt(raw, issue.path))}`;
}

/** Schema-parses `raw` (undefined = all defaults); throws an Error naming the key on a refusal. */
export function parseThresholds<S extends z.ZodType>(suite: string, schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw ?? {});
  if (!r.success) throw new Error(describeThresholdIssue(suite, r.error.issues[0]!, raw ?? {}));
  return r.data;
}
