/**
 * summary.json `metrics`: one typed object per built-in suite (keyed by suite name), and a JSON record for each
 * custom (user-written) suite. The suite recorder is typed by `SuiteMetricsOf<suite>`, so a wrongly shaped metric
 * does not compile; it validates the record with `metricsSchemaOf(suite)` on every flush.
 */
import { z } from 'zod';
import { CapacityMetrics } from './metrics-capacity.js';
import { FailoverSuiteMetrics } from './metrics-failover.js';
import { FairnessSuiteMetrics } from './metrics-fairness.js';
import { KeepaliveMetrics } from './metrics-keepalive.js';
import { PubsubMetrics } from './metrics-pubsub.js';
import { TlsMetrics } from './metrics-tls.js';

/** The metrics object of each built-in suite. */
export const SuiteMetrics = {
  pubsub: PubsubMetrics,
  tls: TlsMetrics,
  failover: FailoverSuiteMetrics,
  fairness: FairnessSuiteMetrics,
  keepalive: KeepaliveMetrics,
  capacity: CapacityMetrics,
} as const satisfies Record<string, z.ZodType>;

/** The built-in suites (profile/schema.ts `SUITES`; records.test.ts checks at compile time that the two agree). */
export type BuiltInSuite = keyof typeof SuiteMetrics;

/** A custom suite's metrics (a suite file whose name is not a built-in suite's): any JSON under string keys. */
export const CustomSuiteMetrics = z.record(z.string(), z.json());
export type CustomSuiteMetrics = z.infer<typeof CustomSuiteMetrics>;

function isBuiltIn(suite: string): suite is BuiltInSuite {
  return Object.hasOwn(SuiteMetrics, suite);
}

/** What `metrics.<suite>` holds: the suite's typed metrics, or a string-keyed record for a custom suite. */
export type SuiteMetricsOf<S extends string> = S extends BuiltInSuite
  ? z.infer<(typeof SuiteMetrics)[S]>
  : Record<string, unknown>;

/** The schema `metrics.<suite>` is validated with. */
export function metricsSchemaOf(suite: string): z.ZodType {
  return isBuiltIn(suite) ? SuiteMetrics[suite] : CustomSuiteMetrics;
}

/** `{ [suite]: schema }` → `{ [suite]: schema.optional() }`, types kept. */
function optionalEach<T extends Record<string, z.ZodType>>(schemas: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(schemas).map(([k, s]) => [k, s.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}

const builtInMetrics = z.object(optionalEach(SuiteMetrics));

/**
 * Summary.metrics, keyed by suite. Validated as the built-in shapes plus a JSON record per other key; typed for
 * TypeScript with `unknown` for the other keys (zod's inferred catch-all type would make every built-in suite's
 * object a JSON record too, which its scenario objects with extra context keys are not, for the compiler).
 */
export const SummaryMetrics = builtInMetrics.catchall(CustomSuiteMetrics) as unknown as z.ZodType<
  z.infer<typeof builtInMetrics> & { [suite: string]: unknown }
>;
export type SummaryMetrics = z.infer<typeof SummaryMetrics>;
