/**
 * Findings about a certificate's facts (expiry, not-yet-valid, host names, RSA key size) and its report metric.
 */
import type { Finding, TlsMetrics } from '../report/summary-types.js';
import { nameCovered, type CertFacts } from '../pki/cert-facts.js';

export interface CertFindingOptions {
  /** Names clients use to reach the balancer; each must be covered by a SAN. */
  expectedNames?: string[];
  /** Warn when fewer days than this remain (default 30). */
  warnDays?: number;
  /** Label for the titles, e.g. "server certificate of frontend mqtts". */
  role?: string;
  now?: number;
}

/** Findings about one certificate: expiry, not-yet-valid, host names, RSA key size. */
export function certFindings(facts: CertFacts, opts: CertFindingOptions = {}): Finding[] {
  const role = opts.role ?? 'certificate';
  const warnDays = opts.warnDays ?? 30;
  const now = opts.now ?? Date.now();
  const who = `${role} ${facts.subject}`;
  const out: Finding[] = [];
  if (new Date(facts.notAfter).getTime() <= now) {
    out.push({
      severity: 'error',
      title: `The ${who} expired on ${facts.notAfter}.`,
      detail: `notAfter ${facts.notAfter}; clients that verify certificates refuse it (CERT_HAS_EXPIRED).`,
      remedy: 'Renew the certificate and reload the balancer; monitor expiry.',
    });
  } else if (facts.daysToExpiry < warnDays) {
    out.push({
      severity: 'warning',
      title: `The ${who} expires in ${facts.daysToExpiry} days.`,
      detail: `notAfter ${facts.notAfter} is less than ${warnDays} days away.`,
      remedy: 'Renew it before it expires (automate renewal, e.g. ACME).',
    });
  }
  if (new Date(facts.notBefore).getTime() > now) {
    out.push({
      severity: 'error',
      title: `The ${who} is not valid yet (notBefore ${facts.notBefore}).`,
      remedy: 'Check the issuing clock and the validity period.',
    });
  }
  const sanText = facts.sans.length ? facts.sans.join(', ') : '(none)';
  for (const name of opts.expectedNames ?? []) {
    if (nameCovered(facts.sans, name)) continue;
    out.push({
      severity: 'error',
      title: `The ${who} does not cover the name "${name}".`,
      detail: `Subject alternative names: ${sanText}. Clients that check host names refuse the connection (ERR_TLS_CERT_ALTNAME_INVALID); the common name is ignored when SANs exist.`,
      remedy: `Issue the certificate with "${name}" in its subjectAltName.`,
    });
  }
  if ((facts.keyType === 'RSA' || facts.keyType === 'RSA-PSS') && facts.keySize < 2048) {
    out.push({
      severity: 'error',
      title: `The ${who} has a ${facts.keySize}-bit RSA key.`,
      detail: 'RSA keys below 2048 bits are refused by OpenSSL 3 at its default security level and are breakable.',
      remedy: 'Use RSA 2048+ or ECDSA P-256.',
    });
  }
  return out;
}

/** One entry of TlsMetrics.certificates. */
export function certificateMetric(role: string, f: CertFacts): NonNullable<TlsMetrics['certificates']>[number] {
  return {
    role,
    subject: f.subject,
    issuer: f.issuer,
    sans: f.sans,
    daysToExpiry: f.daysToExpiry,
    keyType: f.keyType,
    keySize: f.keySize,
  };
}
