/**
 * summary.json on disk: a single-profile run writes the Summary itself; a run with several profiles writes
 * `{ "schema": 1, "runs": [Summary, …] }` (SummaryBundle). Both directions go through the schema
 * (harness/results/schema.ts); see docs/summary-schema.md.
 */
import { Summary as SummarySchema, SummaryBundle as BundleSchema } from '../results/summary.js';
import { checkAsJson, parseAs } from '../results/validate.js';
import type { Summary, SummaryBundle } from './summary-types.js';

/** What summary.json holds for these summaries, validated by the schema (throws with the zod path otherwise). */
export function summaryFileContent(summaries: Summary[]): Summary | SummaryBundle {
  if (summaries.length === 1) {
    checkAsJson(SummarySchema, summaries[0], 'summary.json');
    return summaries[0]!;
  }
  const bundle: SummaryBundle = { schema: 1, runs: summaries };
  checkAsJson(BundleSchema, bundle, 'summary.json');
  return bundle;
}

/**
 * Reads either shape back (e.g. a baseline), validated by the schema: throws on an unknown schema version, on
 * neither shape, and on a wrongly shaped field with its path ("<source>: metrics.failover.…: expected number, …").
 */
export function parseSummaryFile(text: string, source = 'summary.json'): Summary[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${source}: not a JSON object`);
  const record = data as Record<string, unknown>;
  if (record.schema !== 1)
    throw new Error(`${source}: unsupported schema ${JSON.stringify(record.schema)} (this harness reads schema 1)`);
  if (Array.isArray(record.runs)) return parseAs(BundleSchema, data, source).runs;
  if (typeof record.run === 'object' && record.run !== null && typeof record.suites === 'object')
    return [parseAs(SummarySchema, data, source)];
  throw new Error(`${source}: neither a Summary (run, suites) nor a bundle (runs)`);
}
