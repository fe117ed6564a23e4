/** Realistic summaries for the report tests (and for rendering a sample report by hand). */
import type { Summary, TestResult } from '../../harness/report/summary-types.js';
import {
  connectPhasesMetrics,
  failoverMetrics,
  fairnessMetrics,
  logNormalSamples,
  tlsMetrics,
} from './metric-fixtures.js';

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
