/**
 * TLS policy probes: which protocol versions and which weak cipher families a TLS endpoint accepts.
 * One handshake at a time. Old versions and weak ciphers are offered with `@SECLEVEL=0`, without which OpenSSL 3
 * refuses them on the client side (and the probe would measure this client, not the server).
 */
import tls from 'node:tls';
import { PROTOCOL_VERSIONS, type ProtocolVersion } from '../pki/run-tls.js';
import { tryHandshake, type HandshakeOptions, type HandshakeResult } from './handshake.js';

/**
 * accepted: the server completed a handshake with it. refused: the server said no (alert or close).
 * not-testable: this client cannot offer it at all. unreachable: no server / timeout. inconclusive: anything else.
 */
export type ProbeVerdict = 'accepted' | 'refused' | 'not-testable' | 'unreachable' | 'inconclusive';

export interface ProbeTarget {
  host: string;
  port: number;
  servername?: string;
  /** Only reported (the probes do not require a trusted chain). */
  ca?: HandshakeOptions['ca'];
  /** For frontends with `verify required`: without a client certificate every probe is refused. */
  cert?: HandshakeOptions['cert'];
  key?: HandshakeOptions['key'];
  /** Per handshake (default 3000 ms). */
  timeoutMs?: number;
}

export interface ProbeResult {
  verdict: ProbeVerdict;
  protocol?: string;
  cipher?: string;
  /** Handshake outcome and error code behind the verdict. */
  outcome: HandshakeResult['outcome'];
  errorCode?: string;
  ms: number;
}
export interface ProtocolProbe extends ProbeResult {
  version: ProtocolVersion;
}

export interface CipherFamily {
  family: 'NULL' | 'RC4' | '3DES' | 'DES' | 'EXPORT' | 'anon' | (string & {});
  /** OpenSSL cipher string for the family. */
  spec: string;
  why: string;
}
export interface CipherProbe extends ProbeResult, CipherFamily {
  /** Whether this client's OpenSSL has any cipher of the family. */
  offerable: boolean;
}

export const WEAK_CIPHER_FAMILIES: readonly CipherFamily[] = [
  { family: 'NULL', spec: 'eNULL', why: 'no encryption at all' },
  { family: 'RC4', spec: 'RC4', why: 'RC4 is broken and prohibited (RFC 7465)' },
  { family: '3DES', spec: '3DES', why: '64-bit block cipher (Sweet32)' },
  { family: 'DES', spec: 'DES:!3DES', why: '56-bit single DES' },
  { family: 'EXPORT', spec: 'EXP', why: 'export-grade 40/56-bit keys (FREAK, Logjam)' },
  { family: 'anon', spec: 'aNULL:!eNULL', why: 'no server authentication (anyone can sit in the middle)' },
];

const LEGACY_OK = ':@SECLEVEL=0';

/** Whether Node's OpenSSL here knows any cipher of `spec` (OpenSSL 3: RC4, DES, EXPORT live in the legacy provider or are gone). */
export function clientCanOffer(spec: string): boolean {
  try {
    tls.createSecureContext({ ciphers: `${spec}${LEGACY_OK}`, maxVersion: 'TLSv1.2' });
    return true;
  } catch {
    return false;
  }
}

/** What this client can offer at all: OpenSSL version and, per weak family, whether any cipher exists here. */
export function localClientCapabilities(): { openssl: string; cipherFamilies: Record<string, boolean> } {
  const cipherFamilies: Record<string, boolean> = {};
  for (const f of WEAK_CIPHER_FAMILIES) cipherFamilies[f.family] = clientCanOffer(f.spec);
  return { openssl: process.versions.openssl ?? 'unknown', cipherFamilies };
}

function verdictOf(r: HandshakeResult): ProbeVerdict {
  switch (r.outcome) {
    case 'ok':
      return 'accepted';
    case 'refused-by-server':
    case 'closed-by-server':
      // TLS 1.3 with a client certificate the server rejects: negotiated, then refused.
      return 'refused';
    case 'refused-by-client':
      // The server negotiated it; our side declined afterwards.
      return r.protocol ? 'accepted' : 'inconclusive';
    case 'not-offerable':
      return 'not-testable';
    case 'no-server':
    case 'timeout':
      return 'unreachable';
    default:
      return 'inconclusive';
  }
}

function toProbe(r: HandshakeResult): ProbeResult {
  return {
    verdict: verdictOf(r),
    protocol: r.protocol,
    cipher: r.cipher,
    outcome: r.outcome,
    errorCode: r.error?.code,
    ms: r.ms,
  };
}

function baseOptions(t: ProbeTarget): HandshakeOptions {
  return {
    host: t.host,
    port: t.port,
    servername: t.servername,
    ca: t.ca,
    cert: t.cert,
    key: t.key,
    verifyChain: false,
    timeoutMs: t.timeoutMs ?? 3000,
  };
}

/** One handshake per protocol version (min = max = that version). */
export async function probeProtocolVersions(t: ProbeTarget): Promise<ProtocolProbe[]> {
  const out: ProtocolProbe[] = [];
  for (const version of PROTOCOL_VERSIONS) {
    const legacy = version === 'TLSv1' || version === 'TLSv1.1';
    const r = await tryHandshake({
      ...baseOptions(t),
      minVersion: version,
      maxVersion: version,
      ciphers: legacy ? `DEFAULT${LEGACY_OK}` : undefined,
    });
    out.push({ version, ...toProbe(r) });
  }
  return out;
}

/** One handshake per weak cipher family, offering only that family with TLS ≤ 1.2. */
export async function probeWeakCiphers(
  t: ProbeTarget,
  families: readonly CipherFamily[] = WEAK_CIPHER_FAMILIES,
): Promise<CipherProbe[]> {
  const out: CipherProbe[] = [];
  for (const f of families) {
    const offerable = clientCanOffer(f.spec);
    if (!offerable) {
      out.push({
        ...f,
        offerable,
        verdict: 'not-testable',
        outcome: 'not-offerable',
        errorCode: 'ERR_SSL_NO_CIPHER_MATCH',
        ms: 0,
      });
      continue;
    }
    const r = await tryHandshake({
      ...baseOptions(t),
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.2',
      ciphers: `${f.spec}${LEGACY_OK}`,
    });
    out.push({ ...f, offerable, ...toProbe(r) });
  }
  return out;
}
