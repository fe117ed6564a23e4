/** summary.json `metrics.tls`: handshake cost, negotiated versions and ciphers, policy probes, certificates. */
import { z } from 'zod';
import { suiteMetrics } from './metrics-connect-phases.js';

export const Negotiated = z.object({ version: z.string(), cipher: z.string() });

/** The handshake-cost figures (written together by the handshake-cost test). */
export const TlsHandshakeFigures = z.object({
  handshakes_per_s: z.number(),
  p50_ms: z.number(),
  p99_ms: z.number(),
  concurrency: z.number(),
  /** Individual handshake latencies (ms) for the distribution chart, possibly sampled. */
  latencies_ms: z.array(z.number()).optional(),
});
export type TlsHandshakeFigures = z.infer<typeof TlsHandshakeFigures>;

export const CertificateMetric = z.object({
  role: z.string(),
  subject: z.string(),
  issuer: z.string(),
  sans: z.array(z.string()),
  daysToExpiry: z.number(),
  keyType: z.string(),
  keySize: z.number(),
});
export type CertificateMetric = z.infer<typeof CertificateMetric>;

/** metrics.tls; every key optional (a test that did not run records nothing). */
export const TlsMetrics = suiteMetrics({
  ...TlsHandshakeFigures.shape,
  negotiated: z.array(Negotiated),
  certificates: z.array(CertificateMetric),
  /** One probe per protocol version: the server's verdict and the cipher or error behind it. */
  protocols: z.array(
    z.object({ version: z.string(), verdict: z.string(), cipher: z.string().optional(), detail: z.string() }),
  ),
  /** One probe per weak cipher family (NULL, RC4, 3DES, …). */
  weak_ciphers: z.array(
    z.object({ family: z.string(), verdict: z.string(), cipher: z.string().optional(), evidence: z.string() }),
  ),
  /** The handshake-cost run behind handshakes_per_s, p50_ms and p99_ms. */
  handshakes: z.object({
    completed: z.number(),
    failed: z.number(),
    elapsed_ms: z.number(),
    /** Failure counts by error code. */
    errors: z.record(z.string(), z.number()),
    negotiated: z.array(Negotiated),
    /** False: measured without certificate verification (clients refuse the certificate). */
    verified: z.boolean(),
    terminated_by: z.string(),
  }),
});
export type TlsMetrics = z.infer<typeof TlsMetrics>;

/** The tls metrics when the handshake-cost test recorded its figures (what the report's TLS section shows). */
export function withHandshakeFigures(m: TlsMetrics | undefined): (TlsMetrics & TlsHandshakeFigures) | undefined {
  return m && TlsHandshakeFigures.safeParse(m).success ? (m as TlsMetrics & TlsHandshakeFigures) : undefined;
}
