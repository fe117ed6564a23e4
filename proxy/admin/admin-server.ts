/**
 * Admin HTTP API on its own bind:
 *   GET  /api/servers                               → ServerView[]
 *   GET  /api/status                                → {version, uptimeMs, pid, connections, frontends, backends}
 *   GET  /metrics                                   → Prometheus text
 *   POST /api/servers/<backend>/<server>/<action>   → drain | disable | enable | shutdown-sessions
 *   /proxies…, /reset, /version                     → the Toxiproxy-compatible subset (toxics/api.ts)
 * With `admin.token` set, every request needs `Authorization: Bearer <token>`.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { handleToxiproxy, isToxiproxyPath } from '../toxics/api.js';
import type { ToxiproxyProxies } from '../toxics/proxies.js';
import { formatHostPort, parseHostPort } from '../util/address.js';
import { errorText } from '../util/log.js';

export type ServerAction = 'drain' | 'disable' | 'enable' | 'shutdown-sessions';
export const SERVER_ACTIONS: readonly ServerAction[] = ['drain', 'disable', 'enable', 'shutdown-sessions'];

/** What the admin API reads and changes (implemented by the proxy runtime). */
export interface AdminSource {
  servers(): unknown[];
  status(): unknown;
  metrics(): string;
  /** Applies an action; undefined when the backend or server is unknown. */
  serverAction(backend: string, server: string, action: ServerAction): unknown | undefined;
  /** Proxies and toxics of the Toxiproxy API. */
  readonly toxiproxy: ToxiproxyProxies;
}

const MAX_BODY = 64 * 1024;

export class AdminServer {
  private server: http.Server | null = null;
  address = '';

  constructor(
    private token: string | null,
    private readonly source: AdminSource,
  ) {}

  setToken(token: string | null): void {
    this.token = token;
  }

  listen(bind: string): Promise<string> {
    const hp = parseHostPort(bind)!;
    const server = http.createServer(
      { keepAliveTimeout: 5_000, requestTimeout: 10_000, headersTimeout: 5_000 },
      (req, res) => this.handle(req, res),
    );
    this.server = server;
    return new Promise<string>((resolve, reject) => {
      const onListenError = (err: Error): void => {
        this.server = null;
        reject(new Error(`admin: cannot listen on ${bind}: ${errorText(err)}`));
      };
      server.once('error', onListenError);
      server.listen({ host: hp.host || undefined, port: hp.port }, () => {
        server.removeListener('error', onListenError);
        server.on('error', () => undefined);
        const a = server.address() as net.AddressInfo;
        this.address = formatHostPort(a.address, a.port);
        resolve(this.address);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    server.close();
    server.closeAllConnections();
    return new Promise<void>((resolve) => setImmediate(resolve));
  }

  private authorized(req: http.IncomingMessage): boolean {
    if (!this.token) return true;
    const got = Buffer.from(req.headers.authorization ?? '');
    const want = Buffer.from(`Bearer ${this.token}`);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    try {
      if (!this.authorized(req)) {
        req.resume();
        res.setHeader('www-authenticate', 'Bearer');
        return json(res, 401, { error: 'missing or wrong bearer token (Authorization: Bearer <admin.token>)' });
      }
      const path = (req.url ?? '/').split('?')[0];
      const method = req.method ?? 'GET';
      if (isToxiproxyPath(path)) return this.handleToxiproxy(req, res, method, path);
      req.resume();
      if (path === '/api/servers' && method === 'GET') return json(res, 200, this.source.servers());
      if (path === '/api/status' && method === 'GET') return json(res, 200, this.source.status());
      if (path === '/metrics' && method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        return void res.end(this.source.metrics());
      }
      const m = /^\/api\/servers\/([^/]+)\/([^/]+)\/([a-z-]+)$/.exec(path);
      if (m) {
        const action = m[3] as ServerAction;
        if (!SERVER_ACTIONS.includes(action))
          return json(res, 404, { error: `unknown action ${m[3]} (use ${SERVER_ACTIONS.join(', ')})` });
        if (method !== 'POST') return json(res, 405, { error: 'use POST' });
        const [backend, server] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
        const result = this.source.serverAction(backend, server, action);
        if (result === undefined) return json(res, 404, { error: `no server ${backend}/${server}` });
        return json(res, 200, result);
      }
      return json(res, 404, { error: `no route ${method} ${path}` });
    } catch (err) {
      return json(res, 500, { error: errorText(err) });
    }
  }

  /** Reads the (small) JSON body, then answers from the Toxiproxy API. */
  private handleToxiproxy(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string): void {
    const parts: Buffer[] = [];
    let size = 0;
    const api = this.source.toxiproxy;
    req.on('data', function onToxiproxyBody(part: Buffer) {
      size += part.length;
      if (size <= MAX_BODY) parts.push(part);
    });
    req.on('end', function onToxiproxyRequest() {
      if (size > MAX_BODY) return json(res, 413, { error: 'request body too large', status: 413 });
      handleToxiproxy(api, method, path, Buffer.concat(parts).toString('utf8')).then(
        function onAnswer(answer) {
          if (answer.body === undefined) return void res.writeHead(answer.status).end();
          json(res, answer.status, answer.body);
        },
        function onFailure(err: unknown) {
          json(res, 500, { error: errorText(err), status: 500 });
        },
      );
    });
  }
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
