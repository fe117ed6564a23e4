/**
 * Where and as whom a TLS client connects — shared by the single handshake (handshake.ts) and the handshake
 * bench (handshake-bench.ts): the endpoint, the name it is addressed by, trust anchors, the client identity.
 */
import { isIP } from 'node:net';
import type tls from 'node:tls';
import { pemListOrPath, pemOrPath } from '../pki/pem.js';

/** PEM text or a file path. */
export type PemInput = string | Buffer;

export interface TlsClientOptions {
  host: string;
  port: number;
  /** SNI and the name the host-name check uses; default: `host` unless it is an IP address. */
  servername?: string;
  /** Trust anchors (PEM text or paths); default Node's root store. */
  ca?: PemInput | PemInput[];
  /** Client certificate and key for mTLS. */
  cert?: PemInput;
  key?: PemInput;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
}

/** The SNI / host-name-check name: `servername`, else `host` unless it is an IP address (no SNI for addresses). */
export function servernameOf(o: Pick<TlsClientOptions, 'host' | 'servername'>): string | undefined {
  return o.servername ?? (isIP(o.host) ? undefined : o.host);
}

/** `ca`, `cert` and `key` read (PEM text or files), only those that are set. */
export async function clientPems(
  o: Pick<TlsClientOptions, 'ca' | 'cert' | 'key'>,
): Promise<{ ca?: Buffer[]; cert?: Buffer; key?: Buffer }> {
  const pems: { ca?: Buffer[]; cert?: Buffer; key?: Buffer } = {};
  if (o.ca !== undefined) pems.ca = await pemListOrPath(o.ca);
  if (o.cert !== undefined) pems.cert = await pemOrPath(o.cert);
  if (o.key !== undefined) pems.key = await pemOrPath(o.key);
  return pems;
}
