/**
 * Facts of each proxy in an nginx.conf (a stream `server` or an http `location` with proxy_pass): its idle, send and
 * connect timeouts with NGINX's defaults, PROXY protocol, ssl_preread, limit_conn, and whether a WebSocket upgrade
 * can pass (HTTP/1.1 plus Upgrade and Connection headers, with proxy_set_header's all-or-nothing inheritance).
 */
import type { Located } from '../../facts.js';
import { childrenNamed, directiveText, inherited, parseNginxTime, walkNginx, type NginxDirective } from './parse.js';
import type { ParsedNginx } from './parse.js';
import type { NginxProxyFacts, WebSocketFacts } from './facts-types.js';
import { proxyBackends, type UpstreamNames } from './targets.js';

export const NGINX_DEFAULTS = {
  streamProxyTimeoutMs: 600_000,
  connectTimeoutMs: 60_000,
  httpReadTimeoutMs: 60_000,
  httpSendTimeoutMs: 60_000,
  maxFails: 1,
  failTimeoutMs: 10_000,
  workerConnections: 512,
} as const;

/** A Located value from a directive (source names the file when it is not the main one). */
export function locatedFrom<T>(value: T, d: NginxDirective, mainFile: string): Located<T> {
  const text = directiveText(d);
  return { value, line: d.line, source: d.file === mainFile ? text : `${d.file}:${d.line}: ${text}` };
}

function time(
  name: string,
  scope: NginxDirective,
  parents: readonly NginxDirective[],
  fallback: number,
  main: string,
): Located<number> {
  const d = inherited(name, scope, parents);
  const ms = d ? parseNginxTime(d.args[0] ?? '') : undefined;
  // a default names its directive (no line): findings say "`proxy_timeout` 10m (default, not set in <block>)"
  return d && ms !== undefined ? locatedFrom(ms, d, main) : { value: fallback, source: name };
}

/** proxy_set_header lines in effect: those of the innermost level that has any (nginx does not merge levels). */
function headersInEffect(scope: NginxDirective, parents: readonly NginxDirective[]): NginxDirective[] {
  for (const level of [scope, ...[...parents].reverse()]) {
    const own = childrenNamed(level, 'proxy_set_header');
    if (own.length) return own;
  }
  return [];
}

/** Variables a `map $http_upgrade $x { … }` sets to `upgrade` for some input. */
function upgradeVariables(parsed: ParsedNginx): Set<string> {
  const out = new Set<string>();
  walkNginx(parsed.root.directives, (m) => {
    if (m.name === 'map' && m.args[0] === '$http_upgrade' && m.args[1])
      if ((m.block ?? []).some((e) => /^upgrade$/i.test(e.args.at(-1) ?? ''))) out.add(m.args[1]);
  });
  return out;
}

export function websocketFacts(
  scope: NginxDirective,
  parents: readonly NginxDirective[],
  parsed: ParsedNginx,
): WebSocketFacts {
  const main = parsed.file;
  const v = inherited('proxy_http_version', scope, parents);
  const httpVersion = v ? locatedFrom(v.args[0] ?? '1.0', v, main) : { value: '1.0' };
  const headers = headersInEffect(scope, parents);
  const find = (h: string): NginxDirective | undefined => headers.find((d) => d.args[0]?.toLowerCase() === h);
  const up = find('upgrade');
  const conn = find('connection');
  const upgrade = up ? locatedFrom(up.args[1] ?? '', up, main) : undefined;
  const connection = conn ? locatedFrom(conn.args[1] ?? '', conn, main) : undefined;
  const where = `location ${scope.args.join(' ')} (line ${scope.line})`;
  const problems: string[] = [];
  if (httpVersion.value !== '1.1')
    problems.push(
      `${where} talks HTTP/${httpVersion.value} to the node${httpVersion.line ? ` (line ${httpVersion.line})` : ' (default)'}: add \`proxy_http_version 1.1;\``,
    );
  if (!upgrade || !/\$http_upgrade|websocket/i.test(upgrade.value))
    problems.push(
      `${where} does not pass the client's Upgrade header: add \`proxy_set_header Upgrade $http_upgrade;\``,
    );
  const vars = upgradeVariables(parsed);
  if (!connection || !(/upgrade/i.test(connection.value) || vars.has(connection.value)))
    problems.push(
      `${where} does not send \`Connection: upgrade\`: add \`proxy_set_header Connection "upgrade";\` (or a map of $http_upgrade)`,
    );
  return { httpVersion, upgrade, connection, ready: problems.length === 0, problems };
}

/** One entry per proxy_pass of a stream server or http location. */
export function proxyFacts(parsed: ParsedNginx, names: UpstreamNames, wsBackends: Set<string>): NginxProxyFacts[] {
  const main = parsed.file;
  const out: NginxProxyFacts[] = [];
  walkNginx(parsed.root.directives, (d, parents) => {
    const ctx = d.context[0];
    if (d.name !== 'proxy_pass' || (ctx !== 'stream' && ctx !== 'http')) return;
    const server = parents.find((p) => p.name === 'server' && p.context.length === 1);
    if (!server) return;
    const scope = parents.at(-1)!;
    const up = parents.slice(0, -1);
    const location = parents.findLast((p) => p.name === 'location');
    const backends = proxyBackends(d, parsed, names);
    const listens = childrenNamed(server, 'listen');
    const flag = (name: string): Located<boolean> | undefined => {
      const f = inherited(name, scope, up);
      return f && f.args[0] === 'on' ? locatedFrom(true, f, main) : undefined;
    };
    const limit = inherited('limit_conn', scope, up);
    const stream = ctx === 'stream';
    out.push({
      context: ctx,
      file: d.file,
      serverLine: server.line,
      listenLines: listens.map((l) => l.line),
      ...(location ? { location: { path: location.args.at(-1) ?? '/', line: location.line } } : {}),
      line: d.line,
      backends,
      idleTimeoutMs: stream
        ? time('proxy_timeout', scope, up, NGINX_DEFAULTS.streamProxyTimeoutMs, main)
        : time('proxy_read_timeout', scope, up, NGINX_DEFAULTS.httpReadTimeoutMs, main),
      ...(stream
        ? {}
        : { sendTimeoutMs: time('proxy_send_timeout', scope, up, NGINX_DEFAULTS.httpSendTimeoutMs, main) }),
      connectTimeoutMs: time('proxy_connect_timeout', scope, up, NGINX_DEFAULTS.connectTimeoutMs, main),
      proxyProtocol: stream ? flag('proxy_protocol') : undefined,
      sslPreread: stream ? flag('ssl_preread') : undefined,
      tlsOffload: listens.some((l) => l.args.slice(1).includes('ssl')),
      limitConn: limit && Number(limit.args[1]) > 0 ? locatedFrom(Number(limit.args[1]), limit, main) : undefined,
      ...(!stream && backends.some((b) => wsBackends.has(b)) ? { websocket: websocketFacts(scope, up, parsed) } : {}),
    });
  });
  return out;
}
