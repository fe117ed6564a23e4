/**
 * The summary.json types, inferred from the one schema in harness/results/schema.ts (re-exported here for the
 * report's many importers). Documented in docs/summary-schema.md.
 */
export type {
  CapacityMetrics,
  ConnectPhaseStats,
  ConnectPhasesMetrics,
  DeploymentSummary,
  FailoverMetrics,
  FailoverSeries,
  FairnessMetrics,
  Finding,
  KeepaliveMetrics,
  PubsubMetrics,
  SuiteResult,
  Summary,
  SummaryBundle,
  TestResult,
  TestStatus,
  TimelineEvent,
  TimelineSample,
  TlsMetrics,
} from '../results/schema.js';
