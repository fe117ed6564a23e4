/**
 * One TLS handshake against host:port, with a verdict that tells who refused and why.
 * Can offer TLS 1.0/1.1 and weak ciphers (OpenSSL 3 needs `@SECLEVEL=0` for those; see policy.ts).
 */
import mqttPacket from 'mqtt-packet';
import tls from 'node:tls';
import { certFacts, type CertFacts } from '../pki/cert-facts.js';
import { classifyError, type HandshakeError, type HandshakeOutcome } from './handshake-errors.js';
import { clientPems, servernameOf, type TlsClientOptions } from './client-options.js';

export type { HandshakeOutcome, HandshakeError } from './handshake-errors.js';
export type { PemInput } from './client-options.js';

export interface HandshakeOptions extends TlsClientOptions {
  /** OpenSSL cipher string (TLS 1.3 suites by their TLS_ names). */
  ciphers?: string;
  /** Verify the chain against `ca` (default true). When false, `authorized` is still reported. */
  verifyChain?: boolean;
  /** Check the certificate's names against servername/host (default true; only when verifyChain). */
  checkHostname?: boolean;
  timeoutMs: number;
  /**
   * TLS 1.3 only: the server judges our client certificate after our side has finished, so wait this long for its
   * verdict (a session ticket = accepted, an alert = refused). Default 1000 ms (ends at the first of the two);
   * a server that sends no tickets and accepts costs the whole wait. 0 to skip.
   */
  confirmMs?: number;
  /**
   * What counts as the server's acceptance in TLS 1.3: a session ticket (default), or an MQTT CONNACK to a CONNECT
   * sent right after the handshake. Use 'mqtt' where a server may issue tickets before judging the client
   * certificate (NGINX closes after the handshake, without an alert, a client `ssl_verify_client on` refuses).
   */
  confirmWith?: 'ticket' | 'mqtt';
  alpnProtocols?: string[];
}

export interface HandshakeResult {
  ok: boolean;
  outcome: HandshakeOutcome;
  /** Negotiated protocol, e.g. "TLSv1.3" (also set when the client refused after the handshake). */
  protocol?: string;
  /** Negotiated cipher, OpenSSL name (e.g. "ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_256_GCM_SHA384"). */
  cipher?: string;
  /** Chain verified against the trust anchors (independent of checkHostname). */
  authorized?: boolean;
  authorizationError?: string;
  error?: HandshakeError;
  peerCertificate?: CertFacts;
  /** TLS 1.3: whether the server's acceptance was seen (session ticket, or CONNACK with confirmWith 'mqtt') within
   *  confirmMs. */
  confirmed?: boolean;
  /** Time from connect() to the handshake verdict (confirm wait excluded), ms. */
  ms: number;
}

interface Prepared {
  options: tls.ConnectionOptions;
  identity: string;
}

async function prepare(o: HandshakeOptions): Promise<Prepared> {
  const servername = servernameOf(o);
  const options: tls.ConnectionOptions = {
    host: o.host,
    port: o.port,
    servername,
    rejectUnauthorized: false, // we judge ourselves, after seeing the certificate
    checkServerIdentity: noIdentityCheck, // keeps `authorized` about the chain only; clientVerdict checks names
    minVersion: o.minVersion,
    maxVersion: o.maxVersion,
    ciphers: o.ciphers,
    ALPNProtocols: o.alpnProtocols,
    ...(await clientPems(o)),
  };
  for (const k of Object.keys(options) as Array<keyof tls.ConnectionOptions>)
    if (options[k] === undefined) delete options[k];
  return { options, identity: servername ?? o.host };
}

function noIdentityCheck(): undefined {
  return undefined;
}

function peerFacts(socket: tls.TLSSocket): CertFacts | undefined {
  const peer = socket.getPeerCertificate(false);
  if (!peer || !peer.raw) return undefined;
  try {
    return certFacts(peer.raw);
  } catch {
    return undefined;
  }
}

/** The client's own verdict on a completed handshake: chain, then host name. */
function clientVerdict(socket: tls.TLSSocket, o: HandshakeOptions, identity: string): HandshakeError | undefined {
  if (o.verifyChain === false) return undefined;
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? 'UNAUTHORIZED');
    return { code, message: `certificate not trusted: ${code}` };
  }
  if (o.checkHostname === false) return undefined;
  const err = tls.checkServerIdentity(identity, socket.getPeerCertificate(false));
  return err
    ? { code: (err as NodeJS.ErrnoException).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID', message: err.message }
    : undefined;
}

/** Tries one handshake; never throws for network/TLS failures (only for unreadable PEM files). */
export async function tryHandshake(o: HandshakeOptions): Promise<HandshakeResult> {
  const { options, identity } = await prepare(o);
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 100) / 100;
  let socket: tls.TLSSocket;
  try {
    socket = tls.connect(options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      ok: false,
      outcome: classifyError(e.code, e.message),
      error: { code: e.code ?? 'ERROR', message: e.message },
      ms: elapsed(),
    };
  }

  return new Promise<HandshakeResult>((resolve) => {
    let result: HandshakeResult | undefined;
    let confirmTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(onTimeout, o.timeoutMs);

    function finish(r: HandshakeResult): void {
      if (result) return;
      result = r;
      clearTimeout(timer);
      clearTimeout(confirmTimer);
      socket.removeListener('secureConnect', onSecureConnect);
      socket.removeListener('session', onSession);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.on('error', ignoreLateError);
      socket.destroy();
      resolve(r);
    }
    function handshakeFacts(): Omit<HandshakeResult, 'ok' | 'outcome' | 'ms'> {
      return {
        protocol: socket.getProtocol() ?? undefined,
        cipher: socket.getCipher()?.name,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
        peerCertificate: peerFacts(socket),
      };
    }
    let accepted: HandshakeResult | undefined;
    function onSecureConnect(): void {
      const facts = handshakeFacts();
      const refusal = clientVerdict(socket, o, identity);
      if (refusal) return finish({ ok: false, outcome: 'refused-by-client', ...facts, error: refusal, ms: elapsed() });
      accepted = { ok: true, outcome: 'ok', ...facts, ms: elapsed() };
      const confirmMs = o.confirmMs ?? 1000;
      if (o.confirmWith === 'mqtt') {
        socket.on('data', onData);
        socket.write(mqttConnect());
        confirmTimer = setTimeout(onConfirmWindowOver, Math.max(confirmMs, 1000));
        return;
      }
      if (facts.protocol !== 'TLSv1.3' || confirmMs <= 0) return finish(accepted);
      confirmTimer = setTimeout(onConfirmWindowOver, confirmMs);
    }
    function onSession(): void {
      if (accepted && o.confirmWith !== 'mqtt') finish({ ...accepted, confirmed: true });
    }
    function onData(chunk: Buffer): void {
      if (!accepted) return;
      if (chunk[0] === CONNACK_BYTE) return finish({ ...accepted, confirmed: true });
      finish({
        ...accepted,
        ok: false,
        outcome: 'refused-by-server',
        error: {
          code: 'NOT_CONNACK',
          message: `answered the MQTT CONNECT with 0x${chunk.subarray(0, 4).toString('hex')}`,
        },
      });
    }
    function onConfirmWindowOver(): void {
      if (accepted) finish({ ...accepted, confirmed: false });
    }
    function onError(err: NodeJS.ErrnoException): void {
      const error = { code: err.code ?? 'ERROR', message: err.message };
      const outcome = classifyError(err.code, err.message);
      if (accepted)
        return finish({ ...accepted, ok: false, outcome: outcome === 'error' ? 'refused-by-server' : outcome, error });
      finish({ ok: false, outcome, error, ms: elapsed() });
    }
    function onClose(): void {
      const error = { code: 'ECONNRESET', message: 'server closed the connection' };
      if (accepted) return finish({ ...accepted, ok: false, outcome: 'closed-by-server', error });
      finish({ ok: false, outcome: 'closed-by-server', error, ms: elapsed() });
    }
    function onTimeout(): void {
      const phase = socket.connecting ? 'TCP connect' : 'TLS handshake';
      finish({
        ok: false,
        outcome: 'timeout',
        error: {
          code: 'ETIMEDOUT',
          message: `${phase} to ${o.host}:${o.port} gave no verdict within ${o.timeoutMs} ms`,
        },
        ms: elapsed(),
      });
    }
    function ignoreLateError(): void {}

    socket.once('secureConnect', onSecureConnect);
    socket.on('session', onSession);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

/** The first byte of an MQTT CONNACK (packet type 2, no flags). */
const CONNACK_BYTE = 0x20;

/** A minimal MQTT 3.1.1 CONNECT (clean session, keepalive 30 s) to learn the server's verdict at the MQTT level. */
function mqttConnect(): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    keepalive: 30,
    clientId: `mqtt-lb-hs-${process.pid}-${Date.now().toString(36)}`,
  });
}
