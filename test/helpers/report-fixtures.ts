/** Realistic summaries for the report tests (and for rendering a sample report by hand). */
import { ConnectPhaseHistograms } from '../../harness/metrics/connect-phases.js';
import type {
  ConnectPhasesMetrics,
  FailoverMetrics,
  FairnessMetrics,
  Summary,
  TestResult,
  TlsMetrics,
} from '../../harness/report/summary-types.js';
import type { TlsHandshakeFigures } from '../../harness/results/schema.js';
import { seriesFor } from './failover-series-fixture.js';

/** Deterministic pseudo-random numbers (mulberry32), so fixtures and snapshots are stable. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logNormalSamples(count: number, median: number, spread: number, seed: number): number[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => {
    const z = Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
    return Math.round(median * Math.exp(spread * z) * 10) / 10;
  });
}

/** A pubsub suite's connection phases as the client pool aggregates them (24 TCP clients, 9 SUBSCRIBEs). */
export function connectPhasesMetrics(): ConnectPhasesMetrics {
  const h = new ConnectPhaseHistograms();
  h.clients = 24;
  h.attempts = 24;
  h.transports.add('tcp');
  for (const v of logNormalSamples(24, 3.9, 0.7, 11)) h.record('tcp', v);
  for (const v of logNormalSamples(24, 15.8, 0.9, 12)) h.record('connack', v);
  for (const v of logNormalSamples(9, 9.9, 0.5, 13)) h.record('suback', v);
  return h.summary();
}

export const HAPROXY_SOURCE_CONFIG = `global
    log stdout format raw local0
    maxconn 4096

defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s

listen stats
    bind 127.0.0.1:8404
    mode http
    stats enable
    stats auth admin:Sup3rS3cret!
    stats uri /stats

frontend mqtt
    bind :1883
    default_backend emqx

backend emqx
    balance source
    option tcp-check
    server emqx1 10.20.0.11:1883 check inter 2s fall 3 rise 2
    server emqx2 10.20.0.12:1883 check inter 2s fall 3 rise 2
    server emqx3 10.20.0.13:1883 check inter 2s fall 3 rise 2
`;

const mapping = [
  { backend: 'emqx', server: 'emqx1', original: '10.20.0.11:1883', line: 25, node: 'node1', mapped: '127.0.1.1:1883' },
  { backend: 'emqx', server: 'emqx2', original: '10.20.0.12:1883', line: 26, node: 'node2', mapped: '127.0.1.2:1883' },
  { backend: 'emqx', server: 'emqx3', original: '10.20.0.13:1883', line: 27, node: 'node3', mapped: '127.0.1.3:1883' },
];

function timeline(seed: number, detectMs: number): NonNullable<FailoverMetrics['timeline']> {
  const random = seeded(seed);
  const samples = [];
  for (let t = 0; t <= 12_000; t += 250) {
    const afterFault = t >= 3000;
    const moved = afterFault ? Math.min(100, Math.round(((t - 3000) / (detectMs + 1500)) * 100)) : 0;
    const jitter = () => Math.round(random() * 2);
    samples.push({
      t,
      counts: {
        node1: 100 + Math.floor(moved / 2) + jitter(),
        node2: afterFault ? 0 : 100,
        node3: 100 + Math.ceil(moved / 2) + jitter(),
      },
      balancer: { node2: afterFault && t >= 3000 + detectMs ? 'DOWN' : 'UP' },
    });
  }
  return {
    samples,
    events: [
      { t: 3000, kind: 'fault', node: 'node2', detail: 'kill' },
      { t: 3000 + detectMs, kind: 'marked-down', node: 'node2' },
      { t: 3000 + detectMs + 1500, kind: 'reconnected', detail: 'all 100 clients' },
      { t: 10_500, kind: 'marked-up', node: 'node2' },
    ],
  };
}

export function failoverMetrics(detectMs: number, seed = 7): FailoverMetrics {
  const reconnect = logNormalSamples(100, detectMs + 900, 0.25, seed);
  const sorted = [...reconnect].sort((a, b) => a - b);
  return {
    detection_ms: detectMs,
    reconnect_p50_ms: sorted[49]!,
    reconnect_p99_ms: sorted[98]!,
    reconnect_max_ms: sorted[99]!,
    reconnect_ms: reconnect,
    lost: 0,
    duplicated: 3,
    perQos: {
      '0': { sent: 1000, received: 981, lost: 19, duplicated: 0, reordered: 0, unexpected: 0 },
      '1': { sent: 1000, received: 1003, lost: 0, duplicated: 3, reordered: 0, unexpected: 0 },
    },
    timeline: timeline(seed, detectMs),
    series: seriesFor(timeline(seed, detectMs), detectMs),
  };
}

export function fairnessMetrics(counts: Record<string, number>, algorithm: string, jain: number): FairnessMetrics {
  return {
    algorithm,
    clients: 300,
    counts,
    expectedShares: { node1: 1 / 3, node2: 1 / 3, node3: 1 / 3 },
    balancerCounts: counts,
    jain,
    cv: jain > 0.99 ? 0.02 : 1.41,
    maxMean: jain > 0.99 ? 1.03 : 3,
    chi2: jain > 0.99 ? 0.26 : 600,
    pValue: jain > 0.99 ? 0.88 : 1e-12,
    verdict: jain > 0.99 ? 'fair' : 'unfair',
  };
}

export function tlsMetrics(p99: number, rate: number): TlsMetrics & TlsHandshakeFigures {
  return {
    handshakes_per_s: rate,
    p50_ms: Math.round(p99 * 0.4),
    p99_ms: p99,
    concurrency: 32,
    latencies_ms: logNormalSamples(400, p99 * 0.4, 0.35, 11),
    negotiated: [{ version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }],
    certificates: [
      {
        role: 'server',
        subject: 'CN=mqtt.test',
        issuer: 'CN=harness test CA',
        sans: ['DNS:mqtt.test', 'IP:127.0.0.1'],
        daysToExpiry: 364,
        keyType: 'EC',
        keySize: 256,
      },
    ],
  };
}

const test = (
  suite: string,
  name: string,
  status: TestResult['status'],
  durationMs: number,
  extra: Partial<TestResult> = {},
): TestResult => ({
  name,
  path: [suite],
  status,
  durationMs,
  findings: [],
  ...extra,
});

export const SOURCE_FINDING = {
  severity: 'error' as const,
  title: 'All 300 clients landed on node1 (Jain index 0.33)',
  detail:
    '`balance source` hashes the client source address; every test client connects from 127.0.0.1, so all of them map to one server.',
  file: 'haproxy.cfg',
  line: 23,
  remedy:
    'Use `balance leastconn` (long-lived MQTT connections) or `balance roundrobin`; keep `source` only if clients come from many addresses.',
};

export const SKIP_REASON = 'needs capability sharedSubscriptions: the stand-in broker does not support $share';

function summary(
  profileName: string,
  balance: string,
  tests: Record<string, TestResult[]>,
  metrics: Record<string, unknown>,
): Summary {
  const suites: Summary['suites'] = {};
  for (const [name, list] of Object.entries(tests)) {
    suites[name] = {
      passed: list.filter((t) => t.status === 'passed').length,
      failed: list.filter((t) => t.status === 'failed').length,
      skipped: list.filter((t) => t.status === 'skipped').length,
      durationMs: list.reduce((n, t) => n + t.durationMs, 0),
      tests: list,
    };
  }
  const all = Object.values(suites);
  return {
    schema: 1,
    run: {
      id: `run-${profileName}`,
      started: '2025-11-25T10:00:00.000Z',
      finished: '2025-11-25T10:04:12.000Z',
      harnessVersion: '0.1.0',
      profile: `fixtures/profiles/${profileName}.yaml`,
      profileName,
    },
    deployment: {
      runtime: 'local',
      broker: {
        kind: 'standin',
        version: '0.1.0',
        nodes: [1, 2, 3].map((i) => ({ name: `node${i}`, mqtt: `127.0.1.${i}:1883`, http: `127.0.1.${i}:18083` })),
        capabilities: {
          mqtt5: false,
          sharedSubscriptions: false,
          sessionsSurviveNodeLoss: true,
          willsOfDeadNode: true,
        },
      },
      balancer: {
        kind: 'haproxy',
        version: '2.8.5',
        configFile: 'haproxy.cfg',
        config: HAPROXY_SOURCE_CONFIG.replace('balance source', `balance ${balance}`),
        mapping,
      },
      endpoints: {
        mqtt: 'mqtt://127.0.1.10:1883',
        mqtts: 'mqtts://127.0.1.10:8883',
        stats: 'http://127.0.1.10:8404/stats',
      },
      startup_ms: 4210,
    },
    totals: {
      passed: all.reduce((n, s) => n + s.passed, 0),
      failed: all.reduce((n, s) => n + s.failed, 0),
      skipped: all.reduce((n, s) => n + s.skipped, 0),
    },
    suites,
    metrics,
  };
}

export function roundrobinSummary(): Summary {
  return summary(
    'haproxy-roundrobin',
    'roundrobin',
    {
      pubsub: [
        test('pubsub', 'QoS 1 messages cross nodes', 'passed', 812),
        test('pubsub', 'retained message is seen through any node', 'passed', 430),
        test('pubsub', 'shared subscription spreads load', 'skipped', 0, { skipReason: SKIP_REASON }),
      ],
      tls: [
        test('tls', 'TLS 1.3 handshake through the balancer', 'passed', 1530),
        test('tls', 'handshake rate under concurrency', 'passed', 5120),
      ],
      failover: [test('failover', 'kill node2: clients reconnect within 5 s', 'passed', 12_400)],
      fairness: [test('fairness', 'connections spread evenly', 'passed', 3900)],
    },
    {
      pubsub: {
        latency_ms: { p50: 2.1, p99: 9.8, max: 14.2, samples: logNormalSamples(500, 2.1, 0.6, 3) },
        connect_phases: connectPhasesMetrics(),
      },
      tls: tlsMetrics(38, 820),
      failover: { scenarios: { 'kill-node2': failoverMetrics(2400) } },
      fairness: {
        scenarios: { roundrobin: fairnessMetrics({ node1: 100, node2: 101, node3: 99 }, 'roundrobin', 0.9999) },
      },
    },
  );
}

export function sourceSummary(): Summary {
  const base = roundrobinSummary();
  const s = summary(
    'haproxy-source',
    'source',
    {
      ...Object.fromEntries(Object.entries(base.suites).map(([k, v]) => [k, v.tests])),
      fairness: [
        test('fairness', 'connections spread evenly', 'failed', 4100, {
          failureMessages: [
            '\u001b[31mexpect(received).toBeGreaterThan(expected)\u001b[39m\n\nExpected: > 0.9\nReceived:   0.3333',
          ],
          findings: [SOURCE_FINDING],
        }),
      ],
    },
    {
      ...base.metrics,
      failover: { scenarios: { 'kill-node2': failoverMetrics(6000, 9) } },
      fairness: { scenarios: { source: fairnessMetrics({ node1: 300, node2: 0, node3: 0 }, 'source', 0.3333) } },
    },
  );
  s.suites.failover!.tests[0]!.findings.push({
    severity: 'warning',
    title: 'node2 was marked DOWN 6.0 s after the kill',
    detail: '`inter 2s fall 3` needs three failed checks 2 s apart before a server is marked down.',
    file: 'haproxy.cfg',
    line: 26,
    remedy: 'Use `inter 500ms fall 2` with `on-marked-down shutdown-sessions` for faster failover.',
  });
  return s;
}
