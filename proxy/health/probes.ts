/**
 * One health probe against a server: `tcp` (connect), `http` (GET path, 2xx, optional body match),
 * `mqtt` (CONNECT 3.1.1 with an empty client id → CONNACK accepted, then DISCONNECT).
 * Every probe settles within its timeout and leaves no socket behind.
 */
import http from 'node:http';
import net from 'node:net';

export interface ProbeTarget {
  host: string;
  port: number;
}

export interface ProbeOptions {
  timeoutMs: number;
  /** PROXY header written first (`check-send-proxy`), or null. */
  proxyHeader: Buffer | null;
  path: string;
  expectBody: string | null;
}

export interface ProbeResult {
  ok: boolean;
  /** HAProxy-style check status: L4OK, L4TOUT, L4CON, L7OK, L7TOUT, L7STS, L7RSP. */
  status: string;
  detail: string;
  durationMs: number;
}

/** CONNECT 3.1.1, clean session, keepalive 60, empty client id (no takeover of real sessions). */
export const MQTT_CHECK_CONNECT = Buffer.from('100c00044d5154540402003c0000', 'hex');
const MQTT_DISCONNECT = Buffer.from([0xe0, 0x00]);
const HTTP_BODY_LIMIT = 65_536;

type Settle = (ok: boolean, status: string, detail: string) => void;

function withSocket(
  target: ProbeTarget,
  opts: ProbeOptions,
  onReady: (s: net.Socket, settle: Settle) => void,
  timeoutStatus: (connected: boolean) => string,
): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    const started = Date.now();
    let done = false;
    let connected = false;
    const socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    const timer = setTimeout(onProbeTimeout, opts.timeoutMs);
    const settle: Settle = (ok, status, detail) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeListener('connect', onProbeConnect);
      if (!socket.destroyed) socket.destroy();
      resolve({ ok, status, detail, durationMs: Date.now() - started });
    };
    function onProbeTimeout(): void {
      settle(false, timeoutStatus(connected), `no answer within ${opts.timeoutMs} ms`);
    }
    function onProbeError(err: Error): void {
      settle(false, connected ? 'L7RSP' : 'L4CON', err.message);
    }
    function onProbeClose(): void {
      settle(false, connected ? 'L7RSP' : 'L4CON', 'connection closed');
    }
    function onProbeConnect(): void {
      connected = true;
      if (opts.proxyHeader) socket.write(opts.proxyHeader);
      onReady(socket, settle);
    }
    socket.on('error', onProbeError);
    socket.on('close', onProbeClose);
    socket.once('connect', onProbeConnect);
  });
}

export function probeTcp(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeResult> {
  return withSocket(
    target,
    opts,
    function onTcpReady(socket, settle) {
      if (opts.proxyHeader) socket.end(() => settle(true, 'L4OK', 'connected'));
      else settle(true, 'L4OK', 'connected');
    },
    () => 'L4TOUT',
  );
}

export function probeMqtt(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeResult> {
  return withSocket(
    target,
    opts,
    function onMqttReady(socket, settle) {
      let got: Buffer = Buffer.alloc(0);
      socket.on('data', function onConnackData(chunk: Buffer) {
        got = got.length === 0 ? chunk : Buffer.concat([got, chunk]);
        if (got.length < 4) return;
        if (got[0] !== 0x20 || got[1] < 2)
          return settle(false, 'L7RSP', `not a CONNACK: ${got.subarray(0, 8).toString('hex')}`);
        const rc = got[3];
        if (rc !== 0) return settle(false, 'L7RSP', `CONNACK refused, return code ${rc}`);
        socket.removeAllListeners('close');
        socket.on('close', () => settle(true, 'L7OK', 'CONNACK accepted'));
        socket.end(MQTT_DISCONNECT, () => settle(true, 'L7OK', 'CONNACK accepted'));
      });
      socket.write(MQTT_CHECK_CONNECT);
    },
    (connected) => (connected ? 'L7TOUT' : 'L4TOUT'),
  );
}

export function probeHttp(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    const started = Date.now();
    let done = false;
    let connected = false;
    const settle: Settle = (ok, status, detail) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ok, status, detail, durationMs: Date.now() - started });
    };
    const req = http.request({
      host: target.host,
      port: target.port,
      path: opts.path,
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'ts-proxy-check', connection: 'close' },
      createConnection: function createCheckConnection() {
        const s = net.connect({ host: target.host, port: target.port, noDelay: true });
        s.once('connect', () => {
          connected = true;
        });
        if (opts.proxyHeader) s.write(opts.proxyHeader);
        return s;
      },
    });
    const timer = setTimeout(
      () => settle(false, connected ? 'L7TOUT' : 'L4TOUT', `no answer within ${opts.timeoutMs} ms`),
      opts.timeoutMs,
    );
    req.on('error', (err) => settle(false, connected ? 'L7RSP' : 'L4CON', err.message));
    req.on('response', function onCheckResponse(res: http.IncomingMessage) {
      const code = res.statusCode ?? 0;
      if (code < 200 || code > 299) {
        res.resume();
        return settle(false, 'L7STS', `HTTP ${code}`);
      }
      if (opts.expectBody === null) {
        res.resume();
        return settle(true, 'L7OK', `HTTP ${code}`);
      }
      const expected = opts.expectBody;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < HTTP_BODY_LIMIT) body += chunk;
        if (body.includes(expected)) settle(true, 'L7OK', `HTTP ${code}, body matched`);
      });
      res.on('end', () => settle(false, 'L7RSP', `HTTP ${code}, body lacks ${JSON.stringify(expected)}`));
      res.on('error', (err) => settle(false, 'L7RSP', err.message));
    });
    req.end();
  });
}
