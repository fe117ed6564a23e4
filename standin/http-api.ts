/**
 * HTTP API of a stand-in node: the EMQX v5 subset the harness uses, same paths, field names and shapes.
 * No authentication: Authorization headers are ignored, POST /api/v5/login always succeeds.
 *
 *   GET    /status, /api/v5/status [?format=json]
 *   POST   /api/v5/login
 *   GET    /api/v5/nodes, /api/v5/nodes/{node}, /api/v5/cluster
 *   GET    /api/v5/clients?node=&clientid=&like_clientid=&page=&limit=
 *   GET    /api/v5/clients/{id}
 *   DELETE /api/v5/clients/{id}               (cluster-wide kick; the owner publishes the Will)
 *   DELETE /standin/local/clients/{id}        (internal: kick only if connected to this node)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { NodeDownError, type ClusterView } from './cluster-view.js';
import { errorText, type Logger } from './log.js';
import { paginateClients, BadQueryError } from './clients-query.js';

export const LOCAL_KICK_PREFIX = '/standin/local/clients/';
const MAX_BODY_BYTES = 64 * 1024;

interface ApiContext {
  view: ClusterView;
  version: string;
  log: Logger;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

const notFound = (res: ServerResponse, message: string): void => sendJson(res, 404, { code: 'NOT_FOUND', message });
const clientNotFound = (res: ServerResponse): void =>
  sendJson(res, 404, { code: 'CLIENTID_NOT_FOUND', message: 'Client ID not found' });

/** Drains (and discards) the request body, bounded, so keep-alive connections stay usable. */
function drainBody(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let size = 0;
    req.on('data', function onBodyChunk(chunk: Buffer) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
    });
    req.on('end', resolve);
    req.on('close', resolve);
    req.on('error', () => resolve());
  });
}

/** The single path segment after `prefix`, URL-decoded (so ids may contain an encoded "/"); undefined otherwise. */
function segmentAfter(path: string, prefix: string): string | undefined {
  const raw = path.slice(prefix.length);
  if (raw === '' || raw.includes('/')) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

async function handleStatus(ctx: ApiContext, url: URL, res: ServerResponse): Promise<void> {
  const name = ctx.view.name;
  if (url.searchParams.get('format') === 'json') {
    sendJson(res, 200, { node_name: name, rel_vsn: ctx.version, broker_status: 'started', app_status: 'running' });
  } else {
    sendText(res, 200, `Node ${name} is started\nemqx is running`);
  }
}

async function handleClient(ctx: ApiContext, method: string, id: string, res: ServerResponse): Promise<void> {
  if (method === 'GET') {
    const row = await ctx.view.client(id);
    if (row) sendJson(res, 200, row);
    else clientNotFound(res);
  } else if (method === 'DELETE') {
    const kicked = await ctx.view.kick(id);
    ctx.log.event('api.kick', { clientid: id, kicked });
    if (kicked) sendEmpty(res, 204);
    else clientNotFound(res);
  } else {
    sendJson(res, 405, { code: 'METHOD_NOT_ALLOWED', message: `${method} not allowed here` });
  }
}

async function route(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://standin.invalid');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  await drainBody(req);

  if (method === 'GET' && (path === '/status' || path === '/api/v5/status')) return handleStatus(ctx, url, res);
  if (method === 'POST' && path === '/api/v5/login') {
    return sendJson(res, 200, { token: 'standin', version: ctx.version, license: { edition: 'stand-in' } });
  }
  if (method === 'GET' && path === '/api/v5/nodes') return sendJson(res, 200, await ctx.view.nodes());
  if (method === 'GET' && path.startsWith('/api/v5/nodes/')) {
    const name = segmentAfter(path, '/api/v5/nodes/');
    const row = name === undefined ? undefined : await ctx.view.node(name);
    return row ? sendJson(res, 200, row) : notFound(res, 'Node not found');
  }
  if (method === 'GET' && path === '/api/v5/cluster') {
    const running = (await ctx.view.nodes()).filter((n) => n.node_status === 'running').map((n) => n.node);
    return sendJson(res, 200, { name: 'standin', nodes: running, self: ctx.view.name });
  }
  if (method === 'GET' && path === '/api/v5/clients') {
    const node = url.searchParams.get('node') ?? undefined;
    return sendJson(res, 200, paginateClients(await ctx.view.clients(node), url.searchParams));
  }
  if (path.startsWith('/api/v5/clients/')) {
    const id = segmentAfter(path, '/api/v5/clients/');
    if (id === undefined) return notFound(res, `no such path: ${path}`);
    return handleClient(ctx, method, id, res);
  }
  if (method === 'DELETE' && path.startsWith(LOCAL_KICK_PREFIX)) {
    const id = segmentAfter(path, LOCAL_KICK_PREFIX);
    if (id !== undefined && ctx.view.kickLocal(id)) return sendEmpty(res, 204);
    return clientNotFound(res);
  }
  notFound(res, `no such path: ${method} ${path}`);
}

export function createHttpApi(ctx: ApiContext): Server {
  const server = createServer(function onApiRequest(req, res) {
    route(ctx, req, res).catch((err: unknown) => {
      if (err instanceof NodeDownError) return sendJson(res, 500, { code: 'NODE_DOWN', message: err.message });
      if (err instanceof BadQueryError) return sendJson(res, 400, { code: 'BAD_REQUEST', message: err.message });
      ctx.log.event('api.error', { path: req.url, error: errorText(err) });
      if (!res.headersSent) sendJson(res, 500, { code: 'INTERNAL_ERROR', message: errorText(err) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  return server;
}

/** Asks a peer's HTTP API to kick one of its local clients. */
export async function kickOnPeer(peerHttp: string, clientid: string, timeoutMs = 3000): Promise<boolean> {
  const res = await fetch(`http://${peerHttp}${LOCAL_KICK_PREFIX}${encodeURIComponent(clientid)}`, {
    method: 'DELETE',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer();
  return res.status === 204;
}
