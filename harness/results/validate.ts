/** Validation of results against their schema, with errors that name the place: "<what>: <zod path>: <problem>". */
import type { z } from 'zod';

type Path = ReadonlyArray<PropertyKey>;

/** "metrics.failover.scenarios.kill.detection_ms: expected number, received string" per issue (5 at most), `; `-joined. */
export function describeIssues(error: z.ZodError, at: Path = []): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const where = [...at, ...i.path].map(String).join('.') || '(top level)';
      return `${where}: ${i.message.replace(/^Invalid input: /, '')}`;
    })
    .join('; ');
}

/** The value parsed by `schema`, or an Error "<what>: <path>: <problem>" (`at`: where the value sits in its file). */
export function parseAs<T>(schema: z.ZodType<T>, value: unknown, what: string, at: Path = []): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what}: ${describeIssues(r.error, at)}`);
  return r.data;
}

/** `value` as JSON would carry it (undefined dropped, NaN and ±Infinity as null), validated by `schema`. */
export function checkAsJson(schema: z.ZodType, value: unknown, what: string, at: Path = []): void {
  parseAs(schema, JSON.parse(JSON.stringify(value)) as unknown, what, at);
}
