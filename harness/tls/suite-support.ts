/**
 * Small pieces of the tls suite: why a test does not apply to a profile (skip reasons), whether mosquitto_pub is
 * installed, and findings that explain a client-side refusal by its OpenSSL/Node code.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Profile } from '../profile/schema.js';
import type { Finding } from '../report/summary-types.js';
import { locationOf, type TlsTarget } from './tls-target.js';

export interface TlsSkipReasons {
  /** The whole suite: no TLS set-up. */
  all?: string;
  notOffload?: string;
  notPassthrough?: string;
  noMtls?: string;
  noClientCert?: string;
}

export function tlsSkipReasons(profile: Profile): TlsSkipReasons {
  const tls = profile.tls;
  if (profile.balancer.kind === 'external') {
    const target = profile.balancer.target;
    if (!target?.mqtts) return { all: 'the external target has no mqtts endpoint (balancer.target.mqtts)' };
    if (!tls && !target.ca)
      return { all: 'no CA to verify the external balancer with (balancer.target.ca, or tls.pki.ca)' };
  }
  if (!tls) {
    return profile.balancer.kind === 'external'
      ? {}
      : { all: 'the profile has no `tls:` section, so no TLS set-up was made (see README "Profile format")' };
  }
  const out: TlsSkipReasons = {};
  if (tls.topology !== 'offload') out.notOffload = `topology is ${tls.topology} (profile tls.topology)`;
  if (tls.topology !== 'passthrough') out.notPassthrough = `topology is ${tls.topology} (profile tls.topology)`;
  if (tls.mtls !== 'required') out.noMtls = 'the profile does not require client certificates (tls.mtls: false)';
  else if (tls.topology === 'passthrough' && profile.broker.kind === 'standin') {
    out.noMtls =
      "passthrough: the nodes verify client certificates, and the stand-in's TLS listener does not require them (EMQX: ssl_options.verify = verify_peer, fail_if_no_peer_cert = true)";
  }
  if (tls.pki !== 'generated' && !tls.pki.client_cert)
    out.noClientCert = 'tls.pki names no client_cert/client_key to present';
  return out;
}

/** Skip reason when mosquitto_pub is not installed (MOSQUITTO_PUB overrides the PATH lookup). */
export function mosquittoPubMissing(): string | undefined {
  const candidates = process.env.MOSQUITTO_PUB
    ? [process.env.MOSQUITTO_PUB]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, 'mosquitto_pub'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return undefined;
    } catch {
      // next
    }
  }
  return 'mosquitto_pub is not installed (apt-get install mosquitto-clients)';
}

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
