/** The tls suite's certificate and handshake-cost checks: metrics, findings (with thresholds) and their assertions. */
import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { SuiteHarness } from '../suite/context.js';
import { certFacts, certFindings, certificateMetric, measureHandshakes } from './index.js';
import { locationOf } from './tls-target.js';
import type { TlsSuiteSession } from './suite-session.js';

type Tls = SuiteHarness<'tls'>;

/** The served certificate's facts (metric + info finding) and what is wrong with it (error findings). */
export async function checkCertificate(h: Tls, s: TlsSuiteSession): Promise<void> {
  const { tls, t } = s.ctx();
  const r = await s.handshake();
  const served = r.peerCertificate;
  expect(served).toBeDefined();
  const certificates = [
    certificateMetric(`served by ${t.terminatedBy === 'nodes' ? 'the nodes' : 'the balancer'}`, served!),
    certificateMetric('CA (--cafile)', certFacts(readFileSync(tls.ca))),
  ];
  if (tls.mtls && tls.client)
    certificates.push(certificateMetric('client (mTLS)', certFacts(readFileSync(tls.client.cert))));
  h.metric('certificates', certificates);
  h.finding({
    severity: 'info',
    title:
      `Served: ${served!.subject}; SANs ${served!.sans.join(', ')}; issuer ${served!.issuer}; ` +
      `${served!.daysToExpiry} days to expiry; ${served!.keyType} ${served!.keySize}.`,
  });
  const findings = certFindings(served!, {
    expectedNames: tls.serverNames,
    warnDays: tls.warnDays,
    role: `certificate of ${t.where}`,
  }).map((f) => ({ ...f, ...locationOf(t), remedy: `${f.remedy ?? ''} ${t.remedies.certificate}`.trim() }));
  if (r.authorized === false && r.authorizationError !== 'CERT_HAS_EXPIRED') {
    findings.push({
      severity: 'error',
      title: `The certificate of ${t.where} does not verify against the CA clients are given: ${r.authorizationError}.`,
      ...locationOf(t),
      remedy: t.remedies.certificate,
    });
  }
  findings.forEach((f) => h.finding(f));
  expect(findings.filter((f) => f.severity === 'error').map((f) => f.title)).toEqual([]);
}

/** Full handshakes/s, p50 and p99 at the threshold's concurrency, judged against thresholds.tls. */
export async function checkHandshakeCost(h: Tls, s: TlsSuiteSession): Promise<void> {
  const { t } = s.ctx();
  const concurrency = h.thresholds.handshake_concurrency;
  // Measured like a verifying client; when the certificate itself is refused (the certificate test says why), the
  // cost is measured without verification so the figures still describe the balancer.
  const verified = await s.handshake({ confirmMs: 0 });
  const verify = verified.outcome !== 'refused-by-client';
  if (!verify)
    h.finding({
      severity: 'warning',
      title: `Measured without certificate verification: clients refuse the certificate (${verified.error?.code}).`,
      ...locationOf(t),
    });
  const bench = await measureHandshakes({
    ...s.clientOptions(),
    verify,
    concurrency,
    maxHandshakes: h.thresholds.handshake_count,
    maxMs: h.thresholds.handshake_max_ms,
  });
  for (const key of ['handshakes_per_s', 'p50_ms', 'p99_ms', 'concurrency', 'latencies_ms'] as const)
    h.metric(key, bench[key]);
  h.metric('handshakes', {
    completed: bench.completed,
    failed: bench.failed,
    elapsed_ms: bench.elapsed_ms,
    errors: bench.errors,
    negotiated: bench.negotiated,
    verified: verify,
    terminated_by: t.terminatedBy,
  });
  h.finding({
    severity: 'info',
    title:
      `${bench.completed} full handshakes in ${bench.elapsed_ms} ms at concurrency ${concurrency}: ` +
      `${bench.handshakes_per_s}/s, p50 ${bench.p50_ms} ms, p99 ${bench.p99_ms} ms ` +
      `(${bench.negotiated.map((n) => `${n.version} ${n.cipher}`).join(', ')}).`,
  });
  if (bench.failed)
    h.finding({
      severity: bench.completed ? 'warning' : 'error',
      title: `${bench.failed} of ${bench.completed + bench.failed} handshakes failed: ${JSON.stringify(bench.errors)}.`,
      ...locationOf(t),
    });
  const minRate = h.thresholds.min_handshakes_per_s;
  const maxP99 = h.thresholds.max_p99_ms;
  if (minRate !== undefined && bench.handshakes_per_s < minRate)
    h.finding({
      severity: 'error',
      title: `${bench.handshakes_per_s} handshakes/s is below thresholds.tls.min_handshakes_per_s ${minRate}.`,
      ...locationOf(t),
    });
  if (maxP99 !== undefined && bench.p99_ms > maxP99)
    h.finding({
      severity: 'error',
      title: `Handshake p99 ${bench.p99_ms} ms is above thresholds.tls.max_p99_ms ${maxP99}.`,
      ...locationOf(t),
    });
  expect(bench.completed).toBeGreaterThan(0);
  expect(bench.failed).toBeLessThanOrEqual(Math.ceil(0.01 * (bench.completed + bench.failed)));
  if (minRate !== undefined) expect(bench.handshakes_per_s).toBeGreaterThanOrEqual(minRate);
  if (maxP99 !== undefined) expect(bench.p99_ms).toBeLessThanOrEqual(maxP99);
}
