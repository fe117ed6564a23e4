/**
 * summary.json on disk: a single-profile run writes the Summary itself; a run with several profiles writes
 * `{ "schema": 1, "runs": [Summary, …] }` (SummaryBundle). See docs/summary-schema.md.
 */
import type { Summary, SummaryBundle } from './summary-types.js';

export function summaryFileContent(summaries: Summary[]): Summary | SummaryBundle {
  return summaries.length === 1 ? summaries[0]! : { schema: 1, runs: summaries };
}

/** Reads either shape back (e.g. a baseline); throws on an unknown schema version or shape. */
export function parseSummaryFile(text: string): Summary[] {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null) throw new Error('summary.json: not a JSON object');
  const record = data as Record<string, unknown>;
  if (record.schema !== 1)
    throw new Error(`summary.json: unsupported schema ${JSON.stringify(record.schema)} (this harness reads schema 1)`);
  if (Array.isArray(record.runs)) return record.runs as Summary[];
  if (typeof record.run === 'object' && record.run !== null && typeof record.suites === 'object')
    return [data as Summary];
  throw new Error('summary.json: neither a Summary (run, suites) nor a bundle (runs)');
}
