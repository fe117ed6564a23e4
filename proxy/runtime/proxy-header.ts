/**
 * The PROXY header a session sends to its server: client and frontend addresses, and for TLS
 * frontends (v2) the TLS version, cipher, SNI and verified client certificate CN.
 */
import type net from 'node:net';
import tls from 'node:tls';
import { encodeProxyV1, encodeProxyV2, type ProxyTlsInfo } from '../proxy-protocol.js';
import { plainIp } from '../util/address.js';

export function proxyHeaderFor(
  version: 'v1' | 'v2' | null,
  client: net.Socket,
  clientIp: string,
  clientPort: number,
): Buffer | null {
  if (!version) return null;
  const ep =
    client.localAddress && clientIp
      ? {
          sourceAddress: clientIp,
          sourcePort: clientPort,
          destAddress: plainIp(client.localAddress),
          destPort: client.localPort ?? 0,
        }
      : null;
  return version === 'v1'
    ? encodeProxyV1(ep)
    : encodeProxyV2(ep, client instanceof tls.TLSSocket ? tlsInfo(client) : undefined);
}

function tlsInfo(c: tls.TLSSocket): ProxyTlsInfo {
  const cert = c.getPeerCertificate();
  const hasCert = cert !== null && typeof cert === 'object' && Object.keys(cert).length > 0;
  const cn = hasCert ? cert.subject?.CN : undefined;
  const servername = (c as tls.TLSSocket & { servername?: string | false }).servername;
  return {
    version: c.getProtocol() ?? undefined,
    cipher: c.getCipher()?.name,
    clientCert: hasCert,
    verified: c.authorized,
    clientCn: Array.isArray(cn) ? cn[0] : cn,
    servername: servername || undefined,
  };
}
