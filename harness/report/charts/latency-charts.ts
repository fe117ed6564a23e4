/** Distribution charts for pub/sub round trips and TLS handshakes. */
import type { PubsubMetrics, TlsMetrics } from '../summary-types.js';
import type { TlsHandshakeFigures } from '../../results/schema.js';
import { histogramChart } from './histogram-chart.js';

export async function pubsubLatencyChart(metrics: PubsubMetrics): Promise<string> {
  const latency = metrics.latency_ms;
  if (!latency) return '';
  return histogramChart(latency.samples, {
    title: 'Pub/sub cross-node latency',
    valueTitle: 'Publish → receive latency (ms)',
    markers: [
      { label: 'p50', value: latency.p50 },
      { label: 'p99', value: latency.p99 },
    ],
    color: '#0891b2',
  });
}

export async function tlsHandshakeChart(metrics: TlsMetrics & TlsHandshakeFigures): Promise<string> {
  return histogramChart(metrics.latencies_ms, {
    title: 'TLS handshake latency',
    subtitle: `${metrics.latencies_ms?.length ?? 0} handshakes at concurrency ${metrics.concurrency} · ${Math.round(metrics.handshakes_per_s)} handshakes/s`,
    valueTitle: 'Handshake latency (ms)',
    markers: [
      { label: 'p50', value: metrics.p50_ms },
      { label: 'p99', value: metrics.p99_ms },
    ],
    color: '#9333ea',
  });
}
