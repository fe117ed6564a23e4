/**
 * Cipher-suite probes that do not depend on this client's OpenSSL: a hand-built TLS 1.2 ClientHello offering only
 * the given suites (by IANA code), and the server's answer read off the wire. A ServerHello naming one of them means
 * the server accepts it; an alert or a close means it refuses. (Debian's OpenSSL 3 cannot offer RC4, 3DES, DES or
 * EXPORT at all, so a full handshake cannot test them; the ServerHello is enough to know the server would use them.)
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** Weak suites per family, IANA code → name (RFC 5246, 4492, 2246 and the IANA TLS registry). */
export const WEAK_SUITES: Record<string, Record<number, string>> = {
  NULL: {
    0x0001: 'TLS_RSA_WITH_NULL_MD5',
    0x0002: 'TLS_RSA_WITH_NULL_SHA',
    0x003b: 'TLS_RSA_WITH_NULL_SHA256',
    0xc006: 'TLS_ECDHE_ECDSA_WITH_NULL_SHA',
    0xc010: 'TLS_ECDHE_RSA_WITH_NULL_SHA',
  },
  RC4: {
    0x0004: 'TLS_RSA_WITH_RC4_128_MD5',
    0x0005: 'TLS_RSA_WITH_RC4_128_SHA',
    0xc007: 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA',
    0xc011: 'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
  },
  '3DES': {
    0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
    0x0016: 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA',
    0xc008: 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA',
    0xc012: 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  },
  DES: { 0x0009: 'TLS_RSA_WITH_DES_CBC_SHA', 0x0015: 'TLS_DHE_RSA_WITH_DES_CBC_SHA' },
  EXPORT: {
    0x0003: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
    0x0006: 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5',
    0x0008: 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA',
    0x0014: 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA',
    0x0062: 'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA',
    0x0064: 'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA',
  },
  anon: {
    0x0034: 'TLS_DH_anon_WITH_AES_128_CBC_SHA',
    0x00a7: 'TLS_DH_anon_WITH_AES_256_GCM_SHA384',
    0xc018: 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA',
    0xc019: 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA',
  },
};

export interface RawHelloResult {
  verdict: 'accepted' | 'refused' | 'unreachable' | 'inconclusive';
  /** The suite the server chose (accepted). */
  suite?: number;
  /** Alert description code (refused by alert), e.g. 40 handshake_failure, 70 protocol_version. */
  alert?: number;
  detail: string;
  ms: number;
}

const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const vec16 = (b: Buffer): Buffer => Buffer.concat([u16(b.length), b]);
const ext = (type: number, body: Buffer): Buffer => Buffer.concat([u16(type), vec16(body)]);

/** A TLS 1.2 ClientHello record offering exactly `suites`, with SNI and the usual curves/signature algorithms. */
export function clientHello(suites: readonly number[], servername?: string): Buffer {
  const extensions: Buffer[] = [];
  if (servername) {
    const name = Buffer.from(servername, 'ascii');
    extensions.push(ext(0x0000, vec16(Buffer.concat([Buffer.from([0]), vec16(name)]))));
  }
  extensions.push(ext(0x000a, vec16(Buffer.concat([0x001d, 0x0017, 0x0018].map(u16))))); // supported_groups
  extensions.push(ext(0x000b, Buffer.from([1, 0]))); // ec_point_formats: uncompressed
  extensions.push(ext(0x000d, vec16(Buffer.concat([0x0401, 0x0403, 0x0804, 0x0501, 0x0201, 0x0203].map(u16))))); // signature_algorithms
  extensions.push(ext(0xff01, Buffer.from([0]))); // renegotiation_info
  const body = Buffer.concat([
    u16(0x0303),
    randomBytes(32),
    Buffer.from([0]), // session id
    vec16(Buffer.concat(suites.map(u16))),
    Buffer.from([1, 0]), // compression: null
    vec16(Buffer.concat(extensions)),
  ]);
  const handshake = Buffer.concat([Buffer.from([1]), u24(body.length), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), u16(handshake.length), handshake]);
}

/** Reads the first record of the answer: ServerHello (type 22/2) → chosen suite; Alert (21) → its code. */
export function parseServerAnswer(
  buf: Buffer,
):
  | { kind: 'hello'; suite: number }
  | { kind: 'alert'; alert: number }
  | { kind: 'partial' }
  | { kind: 'other'; detail: string } {
  if (buf.length < 5) return { kind: 'partial' };
  const type = buf[0]!;
  const len = buf.readUInt16BE(3);
  if (type === 0x15) return buf.length >= 7 ? { kind: 'alert', alert: buf[6]! } : { kind: 'partial' };
  if (type !== 0x16) return { kind: 'other', detail: `record type ${type}` };
  if (buf.length < 5 + Math.min(len, 44)) return { kind: 'partial' };
  if (buf[5] !== 2) return { kind: 'other', detail: `handshake type ${buf[5]}` };
  const sidLen = buf[5 + 4 + 2 + 32]!;
  const at = 5 + 4 + 2 + 32 + 1 + sidLen;
  if (buf.length < at + 2) return { kind: 'partial' };
  return { kind: 'hello', suite: buf.readUInt16BE(at) };
}

/** Offers only `suites` (TLS 1.2) and reports whether the server picked one. One connection, bounded by timeoutMs. */
export function probeSuites(o: {
  host: string;
  port: number;
  servername?: string;
  suites: readonly number[];
  timeoutMs: number;
}): Promise<RawHelloResult> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const socket = net.connect({ host: o.host, port: o.port });
    let received = Buffer.alloc(0);
    const timer = setTimeout(onTimeout, o.timeoutMs);
    function done(r: Omit<RawHelloResult, 'ms'>): void {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.on('error', ignore);
      socket.destroy();
      resolve({ ...r, ms: ms() });
    }
    function onConnect(): void {
      socket.write(clientHello(o.suites, o.servername));
    }
    function onData(chunk: Buffer): void {
      received = Buffer.concat([received, chunk]);
      const a = parseServerAnswer(received);
      if (a.kind === 'hello') {
        const offered = o.suites.includes(a.suite);
        done(
          offered
            ? {
                verdict: 'accepted',
                suite: a.suite,
                detail: `ServerHello chose 0x${a.suite.toString(16).padStart(4, '0')}`,
              }
            : {
                verdict: 'inconclusive',
                suite: a.suite,
                detail: `ServerHello chose a suite that was not offered: 0x${a.suite.toString(16)}`,
              },
        );
      } else if (a.kind === 'alert')
        done({
          verdict: 'refused',
          alert: a.alert,
          detail: `alert ${a.alert}${a.alert === 40 ? ' (handshake_failure)' : a.alert === 70 ? ' (protocol_version)' : a.alert === 71 ? ' (insufficient_security)' : ''}`,
        });
      else if (a.kind === 'other') done({ verdict: 'inconclusive', detail: `not a TLS answer (${a.detail})` });
    }
    function onClose(): void {
      done({
        verdict: received.length ? 'inconclusive' : 'refused',
        detail: received.length ? 'closed mid-record' : 'closed without an answer',
      });
    }
    function onError(err: NodeJS.ErrnoException): void {
      done(
        err.code === 'ECONNREFUSED'
          ? { verdict: 'unreachable', detail: 'ECONNREFUSED' }
          : { verdict: received.length ? 'inconclusive' : 'refused', detail: err.code ?? err.message },
      );
    }
    function onTimeout(): void {
      done({ verdict: 'unreachable', detail: `no answer within ${o.timeoutMs} ms` });
    }
    function ignore(): void {}
    socket.once('connect', onConnect);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onError);
  });
}
