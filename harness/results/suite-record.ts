/** `<results dir>/<suite>.json`: what a suite records beside Jest's pass/fail, read back when summary.json is merged. */
import { z } from 'zod';
import { Finding } from '../finding.js';
import { DeploymentSummary } from './deployment.js';
import { metricsSchemaOf, type SuiteMetricsOf } from './metrics.js';

const recordFields = {
  suite: z.string(),
  profile: z.string(),
  /** Keyed by Jest's full test name. */
  findings: z.record(z.string(), z.array(Finding)),
  /** Keyed by the test's own name. */
  skipReasons: z.record(z.string(), z.string()),
  deployment: DeploymentSummary.optional(),
  error: z.string().optional(),
};

/** Any suite's record; its metrics are checked against the suite's own schema by `suiteRecordSchemaOf`. */
export const SuiteRecord = z.object({ ...recordFields, metrics: z.record(z.string(), z.unknown()) });

/** The record of suite `S`, metrics typed by the suite. */
export type SuiteRecordOf<S extends string> = Omit<z.infer<typeof SuiteRecord>, 'metrics'> & {
  metrics: SuiteMetricsOf<S>;
};
export type SuiteRecord = SuiteRecordOf<string>;

/** The schema a suite's record is validated with: its metrics by the suite's metrics schema. */
export function suiteRecordSchemaOf(suite: string): z.ZodType<SuiteRecord> {
  return z.object({
    ...recordFields,
    suite: z.literal(suite),
    metrics: metricsSchemaOf(suite),
  }) as z.ZodType<SuiteRecord>;
}
