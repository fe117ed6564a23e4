/**
 * The one schema of summary.json and of the suites' records (zod 4; TypeScript types are inferred from it).
 * docs/summary-schema.json is generated from `SummaryFile` by scripts/summary-schema.mjs in `npm run build`.
 */
export { Finding } from '../finding.js';
export { DeploymentSummary, LineRewrite } from './deployment.js';
export { ConnectPhaseStats, ConnectPhasesMetrics, connectPhasesBySuite } from './metrics-connect-phases.js';
export {
  FailoverMetrics,
  FailoverSeries,
  FailoverSuiteMetrics,
  TimelineEvent,
  TimelineSample,
} from './metrics-failover.js';
export { FairnessMetrics, FairnessSuiteMetrics } from './metrics-fairness.js';
export { CertificateMetric, TlsHandshakeFigures, TlsMetrics, withHandshakeFigures } from './metrics-tls.js';
export { PubsubMetrics, PubsubQosMetrics } from './metrics-pubsub.js';
export { KeepaliveMetrics } from './metrics-keepalive.js';
export { CapacityLimit, CapacityMetrics, ConnectionsMetrics, ConnectRateMetrics } from './metrics-capacity.js';
export {
  CustomSuiteMetrics,
  SuiteMetrics,
  SummaryMetrics,
  metricsSchemaOf,
  type BuiltInSuite,
  type SuiteMetricsOf,
} from './metrics.js';
export {
  RunInfo,
  SuiteResult,
  Summary,
  SummaryBundle,
  SummaryFile,
  TestResult,
  TestStatus,
  Totals,
} from './summary.js';
export { SuiteRecord, suiteRecordSchemaOf, type SuiteRecordOf } from './suite-record.js';
export { checkAsJson, describeIssues, parseAs } from './validate.js';
