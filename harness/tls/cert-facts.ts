/**
 * Plain facts about a certificate (for the report) and findings about them (expiry, names, key size).
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { Finding, TlsMetrics } from '../report/summary-types.js';
import { isPemText, pemBlocks } from './pem.js';

export interface CertFacts {
  subject: string;
  issuer: string;
  /** Subject alternative names, values only (DNS names and IP addresses). */
  sans: string[];
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** Days from now until notAfter (negative when expired), one decimal. */
  daysToExpiry: number;
  keyType: 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | (string & {});
  /** Bits: RSA modulus length, EC curve size. */
  keySize: number;
  curve?: string;
  isCa: boolean;
  selfSigned: boolean;
  serialNumber: string;
  /** SHA-256 fingerprint, colon-separated hex, as Node prints it. */
  fingerprint256: string;
}

const DAY = 86_400_000;
const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  secp224r1: 224,
  secp256k1: 256,
};
const KEY_TYPE_NAMES: Record<string, string> = {
  rsa: 'RSA',
  'rsa-pss': 'RSA-PSS',
  ec: 'EC',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  dsa: 'DSA',
};

/** The first certificate of a PEM text (or a DER buffer) as a Node X509Certificate. */
export function parseCertificate(pemOrDer: string | Buffer): X509Certificate {
  const asText = typeof pemOrDer === 'string' ? pemOrDer : pemOrDer.subarray(0, 64).toString('latin1');
  if (isPemText(asText)) {
    const text = typeof pemOrDer === 'string' ? pemOrDer : pemOrDer.toString('utf8');
    const block = pemBlocks(text).find((b) => b.startsWith('-----BEGIN CERTIFICATE-----'));
    if (!block) throw new Error('no CERTIFICATE block in the PEM text');
    return new X509Certificate(block);
  }
  if (typeof pemOrDer === 'string') throw new Error('certificate text is not PEM (pass DER as a Buffer)');
  return new X509Certificate(pemOrDer);
}

/** Values of a Node subjectAltName string ("DNS:a, IP Address:127.0.0.1"); quoted entries are unquoted. */
export function parseSubjectAltName(san: string | undefined): string[] {
  if (!san) return [];
  const out: string[] = [];
  const re = /(DNS|IP Address|email|URI|DirName|othername|Registered ID):("(?:[^"\\]|\\.)*"|[^,]*)(?:,\s*|$)/g;
  for (const m of san.matchAll(re)) {
    if (m[1] !== 'DNS' && m[1] !== 'IP Address') continue;
    const raw = m[2]!;
    out.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.trim());
  }
  return out;
}

function keyFacts(cert: X509Certificate): { keyType: string; keySize: number; curve?: string } {
  const pk = cert.publicKey;
  const type = pk.asymmetricKeyType ?? 'unknown';
  const d = pk.asymmetricKeyDetails ?? {};
  const keyType = KEY_TYPE_NAMES[type] ?? type.toUpperCase();
  if (d.modulusLength) return { keyType, keySize: d.modulusLength };
  if (d.namedCurve) return { keyType, keySize: CURVE_BITS[d.namedCurve] ?? 0, curve: d.namedCurve };
  if (type === 'ed25519') return { keyType, keySize: 256 };
  if (type === 'ed448') return { keyType, keySize: 456 };
  return { keyType, keySize: 0 };
}

const oneLine = (dn: string): string => dn.split('\n').filter(Boolean).join(', ');

/** Facts about a certificate given as PEM text, PEM/DER buffer, or a Node X509Certificate. */
export function certFacts(input: string | Buffer | X509Certificate, now: number = Date.now()): CertFacts {
  const cert = input instanceof X509Certificate ? input : parseCertificate(input);
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    sans: parseSubjectAltName(cert.subjectAltName),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysToExpiry: Math.round(((notAfter.getTime() - now) / DAY) * 10) / 10,
    ...keyFacts(cert),
    isCa: cert.ca,
    selfSigned: cert.subject === cert.issuer && cert.checkIssued(cert),
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
  };
}

/** RFC 6125-style match of one name against SAN values (a wildcard covers exactly one left-most label). */
export function nameCovered(sans: readonly string[], name: string): boolean {
  const wanted = name.toLowerCase().replace(/\.$/, '');
  if (isIP(wanted)) return sans.some((s) => isIP(s) && s.toLowerCase() === wanted);
  return sans.some((s) => {
    const san = s.toLowerCase().replace(/\.$/, '');
    if (isIP(san)) return false;
    if (san === wanted) return true;
    if (!san.startsWith('*.')) return false;
    const rest = wanted.slice(wanted.indexOf('.') + 1);
    return wanted.includes('.') && rest === san.slice(2) && rest.includes('.');
  });
}

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
