/**
 * summary.json, schema version 1 (documented in docs/summary-schema.md).
 * Extend, don't break: new fields are optional; a breaking change bumps `schema`.
 */

export type TestStatus = 'passed' | 'failed' | 'skipped';

export type { Finding } from '../finding.js';
import type { Finding } from '../finding.js';

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
  broker: {
    kind: string;
    version: string;
    nodes: Array<{ name: string; mqtt: string; http: string }>;
    capabilities?: Record<string, unknown>;
  };
  balancer: {
    kind: string;
    version: string;
    configFile?: string;
    config?: string;
    mapping: Array<{ backend: string; server: string; original: string; line: number; node: string; mapped: string }>;
    /** Production-sized settings scaled to the machine, each on its line (absent: none, or an older summary). */
    machineFit?: {
      where: string;
      openFilesLimit: number;
      cpus: number;
      rewrites: Array<{ line: number; original: string; asRun: string; reason: string }>;
    };
    /** server-template, socket binds and peers kept on the machine, each on its line (absent: none). */
    addressRewrites?: Array<{ line: number; original: string; asRun: string; reason: string }>;
  };
  endpoints: Record<string, string>;
  startup_ms: number;
  /** Errors seen while starting the deployment (e.g. a server never UP): shown at the top of the report. */
  startup_findings?: Finding[];
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

/* ---- Metric shapes the report knows how to chart (suites fill them; all optional) ---- */

/** metrics.fairness = { scenarios: { [scenario]: FairnessMetrics } } */
export interface FairnessMetrics {
  algorithm: string;
  clients: number;
  /** Observed live connections per node (ground truth: node API). */
  counts: Record<string, number>;
  /** Expected share per node, summing to 1 (derived from algorithm, weights, UP servers). */
  expectedShares: Record<string, number>;
  /** The balancer's own per-server counters, for the cross-check. */
  balancerCounts?: Record<string, number>;
  jain: number;
  cv: number;
  maxMean: number;
  chi2: number;
  pValue: number;
  verdict?: string;
}

/** A sample of per-node connection counts at time t (ms since the scenario's start). */
export interface TimelineSample {
  t: number;
  counts: Record<string, number>;
  /** Balancer server status per node, e.g. { node2: 'DOWN' }. */
  balancer?: Record<string, string>;
}

export interface TimelineEvent {
  t: number;
  kind: 'fault' | 'marked-down' | 'marked-up' | 'reconnected' | 'disconnect' | 'note' | (string & {});
  node?: string;
  detail?: string;
}

/** metrics.failover = { scenarios: { [scenario]: FailoverMetrics } } */
export interface FailoverMetrics {
  detection_ms: number | null;
  reconnect_p50_ms?: number | null;
  reconnect_p99_ms: number | null;
  reconnect_max_ms?: number | null;
  /** Reconnect time per affected client, ms (for the distribution chart). */
  reconnect_ms?: number[];
  lost: number;
  duplicated: number;
  perQos?: Record<
    string,
    { sent: number; received: number; lost: number; duplicated: number; reordered: number; unexpected: number }
  >;
  timeline?: { samples: TimelineSample[]; events: TimelineEvent[] };
}

/** metrics.tls */
export interface TlsMetrics {
  handshakes_per_s: number;
  p50_ms: number;
  p99_ms: number;
  concurrency: number;
  /** Individual handshake latencies (ms) for the distribution chart, possibly sampled. */
  latencies_ms?: number[];
  negotiated?: Array<{ version: string; cipher: string }>;
  certificates?: Array<{
    role: string;
    subject: string;
    issuer: string;
    sans: string[];
    daysToExpiry: number;
    keyType: string;
    keySize: number;
  }>;
}

/** metrics.pubsub: latency distribution of cross-node round trips. */
export interface PubsubMetrics {
  latency_ms?: { p50: number; p99: number; max: number; samples?: number[] };
}

/** summary.json of a run with several profiles: one Summary per profile (a single-profile run writes the Summary itself). */
export interface SummaryBundle {
  schema: 1;
  runs: Summary[];
}
