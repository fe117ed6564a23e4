/** Validation of results against their schema, with errors that name the place: "<what>: <zod path>: <problem>". */
import type { z } from 'zod';

/** "metrics.failover.scenarios.kill.detection_ms: expected number, received string" for each issue, `; `-joined. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const where = i.path.map(String).join('.') || '(top level)';
      return `${where}: ${i.message.replace(/^Invalid input: /, '')}`;
    })
    .join('; ');
}

/** The value parsed by `schema`, or an Error "<what>: <path>: <problem>". */
export function parseAs<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what}: ${describeIssues(r.error)}`);
  return r.data;
}

/** `value` as JSON would carry it (undefined dropped, NaN and ±Infinity as null), validated by `schema`. */
export function checkAsJson(schema: z.ZodType, value: unknown, what: string): void {
  parseAs(schema, JSON.parse(JSON.stringify(value)) as unknown, what);
}
