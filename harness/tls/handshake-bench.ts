/**
 * Full-handshake throughput and latency against a TLS endpoint: `concurrency` loops, each doing
 * connect → handshake (chain and host name verified, unless `verify: false`) → close, no session resumption.
 * Bounded by count (maxHandshakes) and time (maxMs; handshakes in flight at the deadline may take up to timeoutMs more).
 */
import tls from 'node:tls';
import type { TlsHandshakeFigures } from '../results/metrics-tls.js';
import { clientPems, servernameOf, type TlsClientOptions } from './client-options.js';

export interface BenchOptions extends TlsClientOptions {
  concurrency: number;
  maxHandshakes: number;
  maxMs: number;
  /** Per handshake (default 5000 ms). */
  timeoutMs?: number;
  /** Verify chain and host name like a real client (default true). false: measure the cost of a refused certificate too. */
  verify?: boolean;
  /** At most this many latencies are returned in latencies_ms (evenly sampled; default 2000). */
  sampleLimit?: number;
}

export interface BenchResult extends TlsHandshakeFigures {
  latencies_ms: number[];
  negotiated: Array<{ version: string; cipher: string }>;
  completed: number;
  failed: number;
  elapsed_ms: number;
  /** Failure counts by error code. */
  errors: Record<string, number>;
}

/** Nearest-rank percentile of an ascending array (0 for an empty one). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function evenlySample(values: readonly number[], limit: number): number[] {
  if (values.length <= limit) return [...values];
  const step = values.length / limit;
  return Array.from({ length: limit }, (_, i) => values[Math.floor(i * step)]!);
}

interface One {
  ms: number;
  error?: string;
  version?: string;
  cipher?: string;
}

function handshakeOnce(options: tls.ConnectionOptions, timeoutMs: number): Promise<One> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = tls.connect(options);
    const timer = setTimeout(onTimeout, timeoutMs);
    function done(r: One): void {
      clearTimeout(timer);
      socket.removeAllListeners('secureConnect');
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(r);
    }
    function onSecureConnect(): void {
      done({
        ms: performance.now() - started,
        version: socket.getProtocol() ?? '?',
        cipher: socket.getCipher()?.name ?? '?',
      });
    }
    function onError(err: NodeJS.ErrnoException): void {
      done({ ms: performance.now() - started, error: err.code ?? err.message });
    }
    function onTimeout(): void {
      done({ ms: performance.now() - started, error: 'ETIMEDOUT' });
    }
    socket.once('secureConnect', onSecureConnect);
    socket.once('error', onError);
  });
}

export async function measureHandshakes(o: BenchOptions): Promise<BenchResult> {
  if (!(o.concurrency >= 1 && o.maxHandshakes >= 1 && o.maxMs > 0))
    throw new Error('concurrency, maxHandshakes and maxMs must be positive');
  const secureContext = tls.createSecureContext({
    ...(await clientPems(o)),
    minVersion: o.minVersion,
    maxVersion: o.maxVersion,
  });
  const servername = servernameOf(o);
  const verify = o.verify !== false;
  const options: tls.ConnectionOptions = { host: o.host, port: o.port, secureContext, rejectUnauthorized: verify };
  if (!verify) options.checkServerIdentity = () => undefined;
  if (servername) options.servername = servername;
  const timeoutMs = o.timeoutMs ?? 5000;

  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const negotiated = new Map<string, { version: string; cipher: string }>();
  let started = 0;
  let failed = 0;
  const t0 = performance.now();
  const deadline = t0 + o.maxMs;

  async function worker(): Promise<void> {
    while (started < o.maxHandshakes && performance.now() < deadline) {
      started++;
      const r = await handshakeOnce(options, timeoutMs);
      if (r.error) {
        failed++;
        errors[r.error] = (errors[r.error] ?? 0) + 1;
        continue;
      }
      latencies.push(Math.round(r.ms * 1000) / 1000);
      negotiated.set(`${r.version} ${r.cipher}`, { version: r.version!, cipher: r.cipher! });
    }
  }
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.maxHandshakes) }, worker));
  const elapsed = performance.now() - t0;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    handshakes_per_s: elapsed > 0 ? Math.round((latencies.length / (elapsed / 1000)) * 10) / 10 : 0,
    p50_ms: percentile(sorted, 50),
    p99_ms: percentile(sorted, 99),
    concurrency: o.concurrency,
    latencies_ms: evenlySample(latencies, o.sampleLimit ?? 2000),
    negotiated: [...negotiated.values()],
    completed: latencies.length,
    failed,
    elapsed_ms: Math.round(elapsed),
    errors,
  };
}
