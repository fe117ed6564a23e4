/**
 * The NGINX facts the suites must show in words, each with its line: passive-only failure detection and what it
 * means for a killed or hung node, per-worker counters without `zone`, connect and idle timeouts (defaults named as
 * defaults), WebSocket problems, and the worker connection budget.
 */
import type { Located } from '../../facts.js';
import type { NginxLimitFacts, NginxProxyFacts, NginxStatement, NginxUpstreamFacts } from './facts-types.js';

function secs(ms: number): string {
  return ms % 60_000 === 0 && ms >= 300_000 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

function at(v: Located<unknown>): string {
  return v.line ? `line ${v.line}` : 'default';
}

export function nginxStatements(
  upstreams: readonly NginxUpstreamFacts[],
  proxies: readonly NginxProxyFacts[],
  limits: NginxLimitFacts,
  file: string,
): NginxStatement[] {
  const out: NginxStatement[] = [];
  for (const u of upstreams) {
    const s = u.servers[0];
    if (!s) continue;
    const same = u.servers.every(
      (x) => x.maxFails.value === s.maxFails.value && x.failTimeoutMs.value === s.failTimeoutMs.value,
    );
    const counts = same
      ? `max_fails=${s.maxFails.value} fail_timeout=${secs(s.failTimeoutMs.value)} (${s.maxFails.line ? `line ${s.maxFails.line}` : 'defaults'})`
      : u.servers
          .map((x) => `${x.name}: max_fails=${x.maxFails.value} fail_timeout=${secs(x.failTimeoutMs.value)}`)
          .join('; ');
    out.push({
      file: u.file,
      line: u.line,
      text:
        `upstream ${u.name} (line ${u.line}): open-source NGINX has no active health check, only passive counting: ` +
        `a server is skipped after ${counts} failed connects or timeouts of real client connections, for fail_timeout, ` +
        `then tried again. A killed node is noticed only when clients are sent to it and their connects fail; a hung node ` +
        `that still accepts TCP connections is never skipped, and clients already connected to a failed node stay there ` +
        `until their connection breaks.`,
    });
    for (const x of u.servers.filter((x) => x.maxFails.value === 0))
      out.push({
        file: x.file,
        line: x.line,
        text: `server ${x.name} (line ${x.line}) has max_fails=0: failures are not counted, NGINX keeps sending clients to it when it is dead.`,
      });
    if (!u.zone && limits.workerProcesses.value !== '1')
      out.push({
        file: u.file,
        line: u.line,
        text: `upstream ${u.name} (line ${u.line}) has no \`zone\`: with worker_processes ${limits.workerProcesses.value} (${at(limits.workerProcesses)}) each worker counts failures${u.method.value === 'least_conn' ? ' and connections (least_conn)' : ''} on its own.`,
      });
  }
  for (const p of proxies) {
    const where = p.location
      ? `location ${p.location.path} (line ${p.location.line})`
      : `server (line ${p.serverLine})`;
    const c = p.connectTimeoutMs;
    out.push({
      file: p.file,
      line: c.line ?? p.line,
      text: `${where}: proxy_connect_timeout ${secs(c.value)} (${at(c)}) — a client sent to an unreachable node waits up to that long before NGINX tries the next server.`,
    });
    const idle = p.idleTimeoutMs;
    out.push({
      file: p.file,
      line: idle.line ?? p.line,
      text:
        p.context === 'stream'
          ? `${where}: proxy_timeout ${secs(idle.value)} (${at(idle)}) closes a connection with no traffic in either direction for that long; MQTT keepalive must be shorter.`
          : p.websocket
            ? `${where}: proxy_read_timeout ${secs(idle.value)} (${at(idle)}) closes an upgraded WebSocket connection when the node sends nothing for that long; an idle MQTT client with a longer keepalive is cut.`
            : `${where}: proxy_read_timeout ${secs(idle.value)} (${at(idle)}) closes a proxied connection when the node sends nothing for that long.`,
    });
    for (const problem of p.websocket?.problems ?? [])
      out.push({ file: p.file, line: p.location?.line ?? p.line, text: problem });
    if (p.proxyProtocol)
      out.push({
        file: p.file,
        line: p.proxyProtocol.line,
        text: `${where}: proxy_protocol on (line ${p.proxyProtocol.line}) sends a PROXY v1 header; the nodes' listeners must expect it.`,
      });
    if (p.sslPreread)
      out.push({
        file: p.file,
        line: p.sslPreread.line,
        text: `${where}: ssl_preread on (line ${p.sslPreread.line}): TLS is passed through to the nodes, which serve the certificate.`,
      });
  }
  const wc = limits.workerConnections;
  out.push({
    file,
    line: wc.line,
    text: `worker_connections ${wc.value} (${at(wc)}) per worker counts client and upstream connections: about ${Math.floor(wc.value / 2)} proxied MQTT connections per worker.`,
  });
  return out;
}
