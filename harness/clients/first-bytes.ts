/**
 * Classifies the first bytes a server sent to an MQTT client: an MQTT CONNACK (or AUTH), or something a
 * misconfigured balancer answers instead — an HTTP response, a TLS alert or record, a PROXY protocol header.
 */

export type SeenProtocol = 'mqtt' | 'http' | 'tls-alert' | 'tls-record' | 'proxy-v1' | 'proxy-v2' | 'unknown';

export interface FirstBytes {
  seen: SeenProtocol;
  /** One human line: the first line of a text answer, the decoded TLS alert, or the bytes in hex. */
  detail: string;
  /** The first line, for text answers (HTTP status line, PROXY v1 header). */
  firstLine?: string;
}

const PROXY_V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

/** TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2), by code. */
const TLS_ALERTS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  22: 'record_overflow',
  40: 'handshake_failure',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

const TLS_CONTENT_TYPES: Record<number, string> = {
  0x14: 'change_cipher_spec',
  0x15: 'alert',
  0x16: 'handshake',
  0x17: 'application_data',
  0x18: 'heartbeat',
};

const TLS_VERSIONS: Record<number, string> = { 0: 'SSL 3.0', 1: 'TLS 1.0', 2: 'TLS 1.1', 3: 'TLS 1.2', 4: 'TLS 1.3' };

function firstLineOf(buf: Buffer): string {
  const text = buf.subarray(0, 200).toString('latin1');
  return text.split(/\r?\n/)[0]!.trim();
}

function hex(buf: Buffer): string {
  return `0x${buf.subarray(0, 16).toString('hex')}${buf.length > 16 ? '…' : ''}`;
}

function isPrintableText(buf: Buffer): boolean {
  const head = buf.subarray(0, 32);
  return head.length >= 4 && head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
}

function classifyTls(buf: Buffer): FirstBytes {
  const type = buf[0]!;
  const version = TLS_VERSIONS[buf[2]!] ?? `version 3.${buf[2]}`;
  if (type === 0x15 && buf.length >= 7) {
    const level = buf[5] === 2 ? 'fatal' : buf[5] === 1 ? 'warning' : `level ${buf[5]}`;
    const code = buf[6]!;
    return { seen: 'tls-alert', detail: `TLS alert: ${level} ${TLS_ALERTS[code] ?? 'unknown'} (${code}), ${version}` };
  }
  if (type === 0x15) return { seen: 'tls-alert', detail: `TLS alert record, ${version} (${hex(buf)})` };
  return { seen: 'tls-record', detail: `TLS ${TLS_CONTENT_TYPES[type]} record, ${version}` };
}

/** What the first bytes from the server are. A valid MQTT server starts with CONNACK (0x20) or, in MQTT 5, AUTH (0xF0). */
export function classifyFirstBytes(buf: Buffer): FirstBytes {
  if (buf.length === 0) return { seen: 'unknown', detail: 'no bytes' };
  const text = buf.subarray(0, 8).toString('latin1');
  if (/^HTTP\/\d/.test(text)) {
    const firstLine = firstLineOf(buf);
    return { seen: 'http', detail: firstLine, firstLine };
  }
  if (buf.length >= PROXY_V2_SIGNATURE.length && buf.subarray(0, PROXY_V2_SIGNATURE.length).equals(PROXY_V2_SIGNATURE))
    return { seen: 'proxy-v2', detail: 'PROXY protocol v2 header' };
  if (text.startsWith('PROXY ')) {
    const firstLine = firstLineOf(buf);
    return { seen: 'proxy-v1', detail: `PROXY protocol v1 header "${firstLine}"`, firstLine };
  }
  if (buf.length >= 3 && buf[0]! >= 0x14 && buf[0]! <= 0x18 && buf[1] === 0x03 && buf[2]! <= 0x04)
    return classifyTls(buf);
  if (buf[0] === 0x20 || buf[0] === 0xf0)
    return { seen: 'mqtt', detail: buf[0] === 0x20 ? 'MQTT CONNACK' : 'MQTT AUTH' };
  if (isPrintableText(buf)) {
    const firstLine = firstLineOf(buf);
    return { seen: 'unknown', detail: `text "${firstLine}"`, firstLine };
  }
  return { seen: 'unknown', detail: `bytes ${hex(buf)} (not an MQTT CONNACK)` };
}

/** How the answer reads in a sentence: "HTTP (HTTP/1.1 400 Bad request)", "TLS (TLS alert: …)". */
export function describeSeen(f: FirstBytes): string {
  switch (f.seen) {
    case 'http':
      return `HTTP (${f.detail})`;
    case 'tls-alert':
    case 'tls-record':
      return `TLS (${f.detail})`;
    case 'proxy-v1':
    case 'proxy-v2':
      return `a ${f.detail}`;
    case 'mqtt':
      return f.detail;
    default:
      return `something that is not MQTT: ${f.detail}`;
  }
}
