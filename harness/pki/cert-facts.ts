/**
 * Plain facts about a certificate (subject, names, validity, key), and whether a name is covered by its SANs.
 * The findings about them (expiry, names, key size) are the tls suite's: `tls/cert-findings.ts`.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
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
