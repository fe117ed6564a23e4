/**
 * summary.json, schema version 1 (documented in docs/summary-schema.md).
 * Extend, don't break: new fields are optional; a breaking change bumps `schema`.
 */

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface Finding {
  /** 'error' fails the test, 'warning' is shown but does not fail, 'info' is context. */
  severity: 'error' | 'warning' | 'info';
  /** What was observed, in one sentence. */
  title: string;
  /** Why: usually a config line and what it means. */
  detail?: string;
  /** The config file and 1-based line the finding is about, when there is one. */
  file?: string;
  line?: number;
  /** What to change. */
  remedy?: string;
}

export interface TestResult {
  name: string;
  /** describe-block path, outermost first. */
  path: string[];
  status: TestStatus;
  durationMs: number;
  /** Why it was skipped, when skipped. */
  skipReason?: string;
  /** Failure messages (assertion text). */
  failureMessages?: string[];
  findings: Finding[];
}

export interface SuiteResult {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  /** Set when the whole suite could not run (e.g. deployment failed to start). */
  error?: string;
  tests: TestResult[];
}

export interface DeploymentSummary {
  runtime: string;
  broker: { kind: string; version: string; nodes: Array<{ name: string; mqtt: string; http: string }>; capabilities?: Record<string, unknown> };
  balancer: {
    kind: string;
    version: string;
    configFile?: string;
    config?: string;
    mapping: Array<{ backend: string; server: string; original: string; line: number; node: string; mapped: string }>;
  };
  endpoints: Record<string, string>;
  startup_ms: number;
}

export interface Summary {
  schema: 1;
  run: { id: string; started: string; finished: string; harnessVersion: string; profile: string; profileName: string };
  deployment?: DeploymentSummary;
  totals: { passed: number; failed: number; skipped: number };
  suites: Record<string, SuiteResult>;
  /** Filled by suites: metrics.failover, metrics.fairness, metrics.tls, metrics.pubsub … */
  metrics: Record<string, unknown>;
}
