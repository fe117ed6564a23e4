/**
 * Turning policy probe results into findings (what was accepted, the config line to change).
 */
import type { Finding } from '../report/summary-types.js';
import type { CipherProbe, ProtocolProbe } from './policy.js';

const LEGACY = new Set(['TLSv1', 'TLSv1.1']);

export function protocolFindings(probes: readonly ProtocolProbe[], where = 'the TLS frontend'): Finding[] {
  const out: Finding[] = [];
  for (const p of probes) {
    if (p.verdict === 'accepted' && LEGACY.has(p.version)) {
      out.push({
        severity: 'error',
        title: `${where} accepts ${p.version} (negotiated ${p.cipher ?? 'a cipher'}).`,
        detail: 'TLS 1.0 and 1.1 are deprecated (RFC 8996).',
        remedy:
          'HAProxy: `ssl-min-ver TLSv1.2` on the bind line (or `ssl-default-bind-options ssl-min-ver TLSv1.2` in global), and no `@SECLEVEL=0` in its ciphers.',
      });
    } else if (p.verdict === 'not-testable') {
      out.push({
        severity: 'info',
        title: `${p.version} is not testable from this client (${p.errorCode ?? p.outcome}).`,
      });
    } else if (p.verdict === 'unreachable' || p.verdict === 'inconclusive') {
      out.push({
        severity: 'warning',
        title: `${p.version} probe of ${where} was ${p.verdict}: ${p.errorCode ?? p.outcome}.`,
      });
    }
  }
  if (
    probes.length &&
    !probes.some((p) => p.verdict === 'accepted' && (p.version === 'TLSv1.2' || p.version === 'TLSv1.3'))
  ) {
    out.push({
      severity: 'error',
      title: `${where} accepted neither TLS 1.2 nor TLS 1.3.`,
      remedy: 'Check the bind line (ssl-min-ver / ssl-max-ver, ciphers).',
    });
  }
  return out;
}

export function cipherFindings(probes: readonly CipherProbe[], where = 'the TLS frontend'): Finding[] {
  const out: Finding[] = [];
  for (const p of probes) {
    if (p.verdict === 'accepted') {
      out.push({
        severity: 'error',
        title: `${where} accepts ${p.family} ciphers (negotiated ${p.cipher ?? '?'} over ${p.protocol ?? '?'}).`,
        detail: `${p.family}: ${p.why}. Offered cipher string: ${p.spec}.`,
        remedy:
          'HAProxy: remove it from `ciphers` (e.g. `ssl-default-bind-ciphers ECDHE+AESGCM:ECDHE+CHACHA20`), and never `@SECLEVEL=0`.',
      });
    } else if (p.verdict === 'not-testable') {
      out.push({
        severity: 'info',
        title: `${p.family} ciphers are not testable from this client: its OpenSSL offers none (${p.spec}).`,
      });
    } else if (p.verdict === 'unreachable' || p.verdict === 'inconclusive') {
      out.push({
        severity: 'warning',
        title: `${p.family} cipher probe of ${where} was ${p.verdict}: ${p.errorCode ?? p.outcome}.`,
      });
    }
  }
  return out;
}
