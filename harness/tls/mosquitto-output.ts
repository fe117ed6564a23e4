/**
 * Reading `mosquitto_pub -d` output: the four lines of a successful publish, and the TLS/connection errors.
 *   Client <id> sending CONNECT
 *   Client <id> received CONNACK (0)
 *   Client <id> sending PUBLISH (d0, q0, r0, m1, 'aa', ... (2 bytes))
 *   Client <id> sending DISCONNECT
 * libmosquitto 2.0 prints debug lines and "OpenSSL Error[n]: …" on stdout, "Error: …"/"Unable to connect (…)" on stderr.
 */

export interface MosquittoPublishLine {
  dup: boolean;
  qos: number;
  retain: boolean;
  mid: number;
  topic: string;
  bytes: number;
}

export interface MosquittoParsed {
  /** As printed; "(null)" when the client id is empty. */
  clientId?: string;
  sentConnect: boolean;
  receivedConnack: boolean;
  /** CONNACK return/reason code (0 = accepted). */
  connackCode?: number;
  sentPublish: boolean;
  publish?: MosquittoPublishLine;
  sentDisconnect: boolean;
  /** All of CONNECT, CONNACK 0, PUBLISH, DISCONNECT, in that order. */
  published: boolean;
  /** A TLS failure: the OpenSSL error text (e.g. "certificate verify failed", "tlsv13 alert certificate required"). */
  tlsError?: string;
  hostnameVerificationFailed: boolean;
  connectionRefused: boolean;
  connectionLost: boolean;
  /** Every error-looking line, stdout and stderr. */
  errors: string[];
}

const CONNECT = /^Client (.+?) sending CONNECT$/;
const CONNACK = /^Client (.+?) received CONNACK \((\d+)\)/;
const PUBLISH = /^Client (.+?) sending PUBLISH \(d(\d), q(\d), r(\d), m(\d+), '(.*)', \.\.\. \((\d+) bytes\)\)$/;
const DISCONNECT = /^Client (.+?) sending DISCONNECT$/;
const OPENSSL = /^OpenSSL Error\[\d+\]: (?:error:[0-9A-F]+:[^:]*:[^:]*:)?(.*)$/;
const ERROR_LINE = /^(Error:|Unable to connect|OpenSSL Error|Warning:)/;

export function parseMosquittoOutput(stdout: readonly string[], stderr: readonly string[] = []): MosquittoParsed {
  const p: MosquittoParsed = {
    sentConnect: false,
    receivedConnack: false,
    sentPublish: false,
    sentDisconnect: false,
    published: false,
    hostnameVerificationFailed: false,
    connectionRefused: false,
    connectionLost: false,
    errors: [],
  };
  const order: string[] = [];
  for (const raw of [...stdout, ...stderr]) {
    const line = raw.trimEnd();
    let m: RegExpMatchArray | null;
    if ((m = line.match(CONNECT))) {
      p.clientId ??= m[1];
      p.sentConnect = true;
      order.push('CONNECT');
    } else if ((m = line.match(CONNACK))) {
      p.receivedConnack = true;
      p.connackCode = Number(m[2]);
      order.push(p.connackCode === 0 ? 'CONNACK' : 'CONNACK!');
    } else if ((m = line.match(PUBLISH))) {
      p.sentPublish = true;
      p.publish ??= {
        dup: m[2] === '1',
        qos: Number(m[3]),
        retain: m[4] === '1',
        mid: Number(m[5]),
        topic: m[6]!,
        bytes: Number(m[7]),
      };
      order.push('PUBLISH');
    } else if (line.match(DISCONNECT)) {
      p.sentDisconnect = true;
      order.push('DISCONNECT');
    } else if (ERROR_LINE.test(line)) {
      p.errors.push(line);
      const ssl = line.match(OPENSSL);
      if (ssl) p.tlsError ??= ssl[1]!.trim();
      if (/host name verification failed/i.test(line)) p.hostnameVerificationFailed = true;
      if (/Connection refused/i.test(line)) p.connectionRefused = true;
      if (/connection was lost/i.test(line)) p.connectionLost = true;
      if (/TLS error/i.test(line)) p.tlsError ??= 'A TLS error occurred.';
    }
  }
  const i = order.indexOf('CONNECT');
  p.published = i >= 0 && order.slice(i, i + 4).join(' ') === 'CONNECT CONNACK PUBLISH DISCONNECT';
  return p;
}
