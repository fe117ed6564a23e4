/** The JSON Schema of summary.json, generated from the zod schema (written to docs/summary-schema.json by the build). */
import { z } from 'zod';
import * as schema from './schema.js';

/** The named shapes, each once under $defs (the rest is inlined where it is used). */
const NAMED: Record<string, z.ZodType> = {
  Summary: schema.Summary,
  SummaryBundle: schema.SummaryBundle,
  Finding: schema.Finding,
  DeploymentSummary: schema.DeploymentSummary,
  LineRewrite: schema.LineRewrite,
  SuiteResult: schema.SuiteResult,
  TestResult: schema.TestResult,
  ConnectPhasesMetrics: schema.ConnectPhasesMetrics,
  ConnectPhaseStats: schema.ConnectPhaseStats,
  PubsubMetrics: schema.PubsubMetrics,
  PubsubQosMetrics: schema.PubsubQosMetrics,
  TlsMetrics: schema.TlsMetrics,
  FailoverSuiteMetrics: schema.FailoverSuiteMetrics,
  FailoverMetrics: schema.FailoverMetrics,
  FailoverSeries: schema.FailoverSeries,
  FairnessSuiteMetrics: schema.FairnessSuiteMetrics,
  FairnessMetrics: schema.FairnessMetrics,
  KeepaliveMetrics: schema.KeepaliveMetrics,
  CapacityMetrics: schema.CapacityMetrics,
  CapacityLimit: schema.CapacityLimit,
  CustomSuiteMetrics: schema.CustomSuiteMetrics,
};

/** As readers see the file: fields this schema does not know are allowed (and ignored), as schema 1 promises. */
export function summaryJsonSchema(): Record<string, unknown> {
  const names = z.registry<{ id: string }>();
  for (const [id, s] of Object.entries(NAMED)) names.add(s, { id });
  return {
    ...z.toJSONSchema(schema.SummaryFile, { io: 'input', metadata: names, unrepresentable: 'any' }),
    title: 'summary.json, schema 1 (mqtt-lb-harness)',
    description:
      'Generated from harness/results/schema.ts by scripts/summary-schema.mjs (npm run build); prose in docs/summary-schema.md.',
  };
}

/** The file content: 2-space JSON with a final newline. */
export function summaryJsonSchemaText(): string {
  return `${JSON.stringify(summaryJsonSchema(), null, 2)}\n`;
}
