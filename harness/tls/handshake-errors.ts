/**
 * Sorting TLS connection failures into what they mean for a test: who refused, or whether anyone was there.
 */

export type HandshakeOutcome =
  /** Handshake completed and passed the client's checks. */
  | 'ok'
  /** The client refused the server: certificate chain, expiry, host name, or a legacy signature it will not accept. */
  | 'refused-by-client'
  /** The server sent a TLS alert (protocol version, no shared cipher, certificate required, unknown CA…). */
  | 'refused-by-server'
  /** The server closed the connection during the handshake without an alert. */
  | 'closed-by-server'
  /** Something answered, but not with TLS (e.g. a plain MQTT port). */
  | 'not-tls'
  /** This client (Node's OpenSSL) cannot offer what was asked (cipher family or protocol not available here). */
  | 'not-offerable'
  /** Nothing listens there (ECONNREFUSED). */
  | 'no-server'
  /** No verdict within timeoutMs (connect or handshake hung). */
  | 'timeout'
  | 'error';

export interface HandshakeError {
  code: string;
  message: string;
}

/** OpenSSL errors raised on the client before or without anything from the server. */
const NOT_OFFERABLE = new Set([
  'ERR_SSL_NO_CIPHER_MATCH',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_NO_CIPHERS_AVAILABLE',
  'ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM',
]);
/** The server answered, the client's policy said no. */
const CLIENT_POLICY = new Set([
  'ERR_SSL_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED',
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_WRONG_SIGNATURE_TYPE',
  'ERR_SSL_DH_KEY_TOO_SMALL',
  'ERR_SSL_EE_KEY_TOO_SMALL',
  'ERR_SSL_CA_MD_TOO_WEAK',
  'ERR_SSL_INSUFFICIENT_SECURITY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const NOT_TLS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ERR_SSL_HTTP_REQUEST',
]);
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING']);
/** X.509 verification results as Node reports them (authorizationError / error.code). */
const VERIFY_CODES =
  /^(UNABLE_TO_|CERT_|SELF_SIGNED|DEPTH_ZERO|INVALID_CA|PATH_LENGTH|INVALID_PURPOSE|CERT_UNTRUSTED|CERT_REJECTED|HOSTNAME_MISMATCH|ERR_TLS_CERT)/;

export function classifyError(code: string | undefined, message: string): HandshakeOutcome {
  const c = code ?? '';
  if (c === 'ECONNREFUSED') return 'no-server';
  if (c === 'ETIMEDOUT' || c === 'HANDSHAKE_TIMEOUT') return 'timeout';
  if (NOT_OFFERABLE.has(c)) return 'not-offerable';
  if (/_ALERT_/.test(c)) return 'refused-by-server';
  if (CLIENT_POLICY.has(c) || VERIFY_CODES.test(c)) return 'refused-by-client';
  if (NOT_TLS.has(c)) return 'not-tls';
  if (CLOSED.has(c) || /socket disconnected before secure TLS connection/i.test(message)) return 'closed-by-server';
  return 'error';
}

/** Outcomes that mean "a TLS server was there and the handshake did not succeed". */
export function isRefusal(outcome: HandshakeOutcome): boolean {
  return outcome === 'refused-by-client' || outcome === 'refused-by-server' || outcome === 'closed-by-server';
}
