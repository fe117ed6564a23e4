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
    /** Resident memory each node had just after the cluster start (rssBytes; absent: not measured, e.g. docker). */
    nodes: Array<{ name: string; mqtt: string; http: string; rssBytes?: number }>;
    capabilities?: Record<string, unknown>;
    /** ms from asking the runtime for the cluster until every node served, clustered (absent: external target). */
    startMs?: number;
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
  /** Filled by suites: metrics.failover, metrics.fairness, metrics.tls, metrics.pubsub …; every suite's client
   *  pool adds metrics.<suite>.connect_phases (ConnectPhasesMetrics). */
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

/**
 * Per-second series of one failover scenario, built from its recorded timeline and message stream (bucket i covers
 * [t[i], t[i] + step_ms) ms since the scenario's start). Message figures are deliveries (message × subscriber), as
 * in `perQos`; keys of the per-QoS records are "0", "1", "2".
 */
export interface FailoverSeries {
  step_ms: number;
  /** Start of each bucket, ms since the scenario's start. */
  t: number[];
  /** Deliveries due from what was published in the bucket (published messages × subscribers of that QoS). */
  sent: Record<string, number[]>;
  /** Deliveries that arrived in the bucket, duplicates included. */
  received: Record<string, number[]>;
  /** Acknowledged messages published in the bucket that a subscriber never got (by send time). */
  lost: Record<string, number[]>;
  /** Extra copies that arrived in the bucket (by arrival time). */
  duplicated: Record<string, number[]>;
  /** End-to-end latency of first deliveries that arrived in the bucket, all QoS; null: none arrived. */
  latency_p50_ms: Array<number | null>;
  latency_p99_ms: Array<number | null>;
  /** Live connections per node: the last sample in the bucket; null: no sample, or the node's API did not answer. */
  connections: Record<string, Array<number | null>>;
  /** Fault intervals: from the fault to its undo (restart, resume) or the end of the record; a reload for its duration. */
  faults: Array<{ from_ms: number; to_ms: number; kind: string; node?: string }>;
  /** The balancer's state of each node's server over time (UP, DOWN, MAINT, NOLB, …), as consecutive bands. */
  states: Record<string, Array<{ from_ms: number; to_ms: number; state: string }>>;
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
  /** Per-second series for the time-series chart (absent in summaries written before it existed). */
  series?: FailoverSeries;
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
  connect_phases?: ConnectPhasesMetrics;
}

/** metrics.pubsub: latency distribution of cross-node round trips. */
export interface PubsubMetrics {
  latency_ms?: { p50: number; p99: number; max: number; samples?: number[] };
  connect_phases?: ConnectPhasesMetrics;
}

/** One connection phase of a suite's clients: percentiles from an HDR histogram, buckets for the chart. */
export interface ConnectPhaseStats {
  count: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Non-cumulative counts per bucket, upper bound inclusive (1-2-5 steps); empty leading/trailing buckets omitted. */
  buckets: Array<{ le_ms: number; count: number }>;
}

/**
 * metrics.<suite>.connect_phases: how long each phase of the suite's client connections took, as emqtt-bench
 * reports them. A phase nobody went through is absent (`tls` without TLS clients, `ws_upgrade` without WebSocket).
 */
export interface ConnectPhasesMetrics {
  /** Clients the suite's pool created. */
  clients: number;
  /** Connection attempts: each client's first connect and each reconnect. */
  attempts: number;
  /** Transports used: `tcp`, `tls` (mqtts), `ws`, `wss`. */
  transports: string[];
  /** Attempt start → TCP connected. */
  tcp?: ConnectPhaseStats;
  /** TCP connected → TLS handshake done (mqtts, wss). */
  tls?: ConnectPhaseStats;
  /** TCP (or TLS) done → HTTP 101 upgrade response (ws, wss). */
  ws_upgrade?: ConnectPhaseStats;
  /** Attempt start → CONNACK accepted (the whole connect, all phases above included). */
  connack?: ConnectPhaseStats;
  /** SUBSCRIBE written → SUBACK received, per SUBSCRIBE packet. */
  suback?: ConnectPhaseStats;
}

/** summary.json of a run with several profiles: one Summary per profile (a single-profile run writes the Summary itself). */
export interface SummaryBundle {
  schema: 1;
  runs: Summary[];
}
