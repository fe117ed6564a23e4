/**
 * Findings that explain a client-side refusal by its OpenSSL/Node code. (What a TLS test needs is declared with
 * `h.test(name, { needs: [{ tls: … }] }, fn)`: harness/needs.ts, harness/tls/abilities.ts.)
 */
import type { Finding } from '../report/summary-types.js';
import { locationOf, type TlsTarget } from './tls-target.js';

const MEANING: Array<[RegExp, string]> = [
  [/CERT_HAS_EXPIRED|certificate has expired/i, 'the certificate has expired'],
  [
    /ALTNAME|Hostname\/IP does not match|host name verification/i,
    'the certificate does not name the host the client connects to',
  ],
  [
    /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER|SELF_SIGNED|self-signed/i,
    'the certificate is not signed by the CA the client trusts',
  ],
  [
    /certificate verify failed/i,
    'the certificate chain did not verify (expired, or not signed by the CA the client trusts)',
  ],
  [/CERT_NOT_YET_VALID/i, 'the certificate is not valid yet'],
  [/ALERT_CERTIFICATE_REQUIRED|certificate required/i, 'the server requires a client certificate'],
  [/ALERT_UNKNOWN_CA|unknown ca/i, "the server does not trust the client's certificate"],
];

/** A finding for a client that could not connect: what happened, what the code means, where, and the remedy. */
export function refusalFinding(what: string, code: string, t: TlsTarget, remedy: string): Finding {
  const meaning = MEANING.find(([re]) => re.test(code))?.[1];
  return {
    severity: 'error',
    title: `${what}: ${code}.`,
    detail: `${meaning ? `${meaning[0]!.toUpperCase()}${meaning.slice(1)}. ` : ''}Certificate served by ${t.terminatedBy === 'nodes' ? 'the nodes' : 'the balancer'}${t.source ? `; config: \`${t.source}\`` : ''}.`,
    ...locationOf(t),
    remedy,
  };
}
