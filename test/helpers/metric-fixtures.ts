/** Deterministic metric fixtures for the report tests: latency samples, connection phases, failover, fairness, TLS. */
import { ConnectPhaseHistograms } from '../../harness/metrics/connect-phases.js';
import type {
  ConnectPhasesMetrics,
  FailoverMetrics,
  FairnessMetrics,
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

export function logNormalSamples(count: number, median: number, spread: number, seed: number): number[] {
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
