/**
 * The Toxiproxy-compatible REST subset, served by TS-proxy's admin API (JSON shapes, status codes and
 * error bodies `{error, status}` as Toxiproxy 2.x, so `toxiproxy-node-client` drives it unchanged):
 *   GET/POST /proxies · GET/POST/DELETE /proxies/{name} · GET/POST /proxies/{name}/toxics ·
 *   GET/POST/DELETE /proxies/{name}/toxics/{toxic} · POST /reset · POST /populate · GET /version
 */
import { TS_PROXY_VERSION } from '../version.js';
import type { ToxiproxyProxies } from './proxies.js';
import { ApiError, toxicJson } from './registry.js';

export interface ApiAnswer {
  status: number;
  /** JSON body; none for 204. */
  body?: unknown;
}

const ROUTE = /^\/(?:proxies(?:\/([^/]+)(?:\/(toxics)(?:\/([^/]+))?)?)?|reset|populate|version)$/;

/** Whether a path belongs to the Toxiproxy API (its body is then read and `handleToxiproxy` answers). */
export function isToxiproxyPath(path: string): boolean {
  return ROUTE.test(path);
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(`bad request body: ${(err as Error).message}`, 400);
  }
}

function wrongMethod(): never {
  throw new ApiError('method not allowed', 405);
}

async function route(api: ToxiproxyProxies, method: string, path: string, text: string): Promise<ApiAnswer> {
  const m = ROUTE.exec(path)!;
  const write = method === 'POST' || method === 'PATCH';
  if (path === '/version') {
    if (method !== 'GET') wrongMethod();
    return { status: 200, body: { version: TS_PROXY_VERSION } };
  }
  if (path === '/reset') {
    if (method !== 'POST') wrongMethod();
    await api.reset();
    return { status: 204 };
  }
  if (path === '/populate') {
    if (method !== 'POST') wrongMethod();
    return { status: 201, body: { proxies: await api.populate(parseBody(text)) } };
  }
  const [, proxyPart, toxics, toxicPart] = m;
  if (proxyPart === undefined) {
    if (method === 'GET') return { status: 200, body: api.list() };
    if (method === 'POST') return { status: 201, body: await api.create(parseBody(text)) };
    return wrongMethod();
  }
  const proxy = decodeURIComponent(proxyPart);
  if (toxics === undefined) {
    if (method === 'GET') return { status: 200, body: api.show(proxy) };
    if (write) return { status: 200, body: await api.update(proxy, parseBody(text)) };
    if (method === 'DELETE') {
      await api.remove(proxy);
      return { status: 204 };
    }
    return wrongMethod();
  }
  api.show(proxy); // 404 for an unknown proxy before anything else
  const collection = api.toxicsFor(proxy);
  if (toxicPart === undefined) {
    if (method === 'GET') return { status: 200, body: collection.list().map(toxicJson) };
    if (method === 'POST') return { status: 200, body: toxicJson(collection.add(parseBody(text))) };
    return wrongMethod();
  }
  const toxic = decodeURIComponent(toxicPart);
  if (method === 'GET') return { status: 200, body: toxicJson(collection.get(toxic)) };
  if (write) return { status: 200, body: toxicJson(collection.update(toxic, parseBody(text))) };
  if (method === 'DELETE') {
    collection.remove(toxic);
    return { status: 204 };
  }
  return wrongMethod();
}

/** Answers one request; errors become Toxiproxy's `{error, status}` bodies. */
export async function handleToxiproxy(
  api: ToxiproxyProxies,
  method: string,
  path: string,
  text: string,
): Promise<ApiAnswer> {
  try {
    return await route(api, method, path, text);
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, body: { error: err.message, status: err.status } };
    return { status: 500, body: { error: (err as Error).message ?? String(err), status: 500 } };
  }
}
