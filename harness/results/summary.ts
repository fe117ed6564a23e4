/**
 * summary.json, schema version 1 (prose in docs/summary-schema.md, JSON Schema generated into docs/summary-schema.json).
 * Extend, don't break: new fields are optional; a breaking change bumps `schema`.
 */
import { z } from 'zod';
import { Finding } from '../finding.js';
import { DeploymentSummary } from './deployment.js';
import { SummaryMetrics } from './metrics.js';

export const TestStatus = z.enum(['passed', 'failed', 'skipped']);
export type TestStatus = z.infer<typeof TestStatus>;

export const TestResult = z.object({
  name: z.string(),
  /** describe-block path, outermost first. */
  path: z.array(z.string()),
  status: TestStatus,
  durationMs: z.number(),
  /** Why it was skipped, when skipped. */
  skipReason: z.string().optional(),
  /** Failure messages (assertion text). */
  failureMessages: z.array(z.string()).optional(),
  findings: z.array(Finding),
});
export type TestResult = z.infer<typeof TestResult>;

export const SuiteResult = z.object({
  passed: z.number(),
  failed: z.number(),
  skipped: z.number(),
  durationMs: z.number(),
  /** Set when the whole suite could not run (e.g. deployment failed to start). */
  error: z.string().optional(),
  tests: z.array(TestResult),
});
export type SuiteResult = z.infer<typeof SuiteResult>;

export const RunInfo = z.object({
  id: z.string(),
  started: z.string(),
  finished: z.string(),
  harnessVersion: z.string(),
  profile: z.string(),
  profileName: z.string(),
});
export type RunInfo = z.infer<typeof RunInfo>;

export const Totals = z.object({ passed: z.number(), failed: z.number(), skipped: z.number() });
export type Totals = z.infer<typeof Totals>;

/** One profile's run. */
export const Summary = z.object({
  schema: z.literal(1),
  run: RunInfo,
  deployment: DeploymentSummary.optional(),
  totals: Totals,
  suites: z.record(z.string(), SuiteResult),
  /** Filled by suites, keyed by suite name (metrics.ts); every suite's client pool adds `connect_phases`. */
  metrics: SummaryMetrics,
});
export type Summary = z.infer<typeof Summary>;

/** summary.json of a run with several profiles: one Summary per profile (a single-profile run writes the Summary itself). */
export const SummaryBundle = z.object({ schema: z.literal(1), runs: z.array(Summary) });
export type SummaryBundle = z.infer<typeof SummaryBundle>;

/** What summary.json holds: a Summary, or a SummaryBundle. */
export const SummaryFile = z.union([Summary, SummaryBundle]);
export type SummaryFile = z.infer<typeof SummaryFile>;
