/**
 * Which NGINX listen is MQTT, MQTT/TLS, the dashboard, and MQTT over WebSocket (ws/wss), decided by what the upstream
 * servers behind it serve (node ports 1883, 8883, 18083, 8083, 8084) — never by file order. MQTT, MQTT/TLS and the
 * dashboard follow the shared rules of ../endpoints.ts.
 */
import type { Endpoints, HostPort, MappingEntry } from '../../types.js';
import { endpointsFromBinds, SERVICE_PORTS, type BindLike } from '../balancer.js';
import type { NginxListen } from './map-listen.js';

export interface WebSocketEndpoint extends HostPort {
  /** The URL path clients use, e.g. `/mqtt`. */
  path: string;
  /** 1-based line of the listen in the user's config. */
  line: number;
  /** The line of the location's proxy_pass. */
  proxyLine: number;
}

export interface NginxEndpoints extends Endpoints {
  /** ws:// through NGINX (a plain listen in front of node port 8083). */
  ws?: WebSocketEndpoint;
  /** wss:// through NGINX (an ssl listen in front of 8083/8084, or a plain one in front of 8084). */
  wss?: WebSocketEndpoint;
}

function portsOf(backend: string, mapping: readonly MappingEntry[]): Set<number> {
  return new Set(mapping.filter((m) => m.backend === backend).map((m) => Number(m.mapped.split(':').pop())));
}

/** The path a client asks for to reach a location (`/` locations reach EMQX's `/mqtt`). */
function clientPath(path: string, modifier?: string): string {
  if (modifier === '~' || modifier === '~*') return '/mqtt';
  return path === '/' ? '/mqtt' : path;
}

function websocket(
  listens: readonly NginxListen[],
  mapping: readonly MappingEntry[],
  want: (l: NginxListen, ports: Set<number>) => boolean,
): WebSocketEndpoint | undefined {
  for (const l of listens.filter((x) => x.context === 'http')) {
    for (const loc of l.locations) {
      const ports = portsOf(loc.backend, mapping);
      if (want(l, ports))
        return {
          host: l.host,
          port: l.port,
          path: clientPath(loc.path, loc.modifier),
          line: l.line,
          proxyLine: loc.line,
        };
    }
  }
  return undefined;
}

export function nginxEndpoints(
  listens: readonly NginxListen[],
  mapping: readonly MappingEntry[],
  admin?: Endpoints['balancerAdmin'],
  file?: string,
): NginxEndpoints {
  const binds: BindLike[] = listens.map((l) => ({
    frontend: l.frontend,
    host: l.host,
    port: l.port,
    ssl: l.ssl,
    backend: l.backend,
    backends: l.backends,
    line: l.line,
    original: l.original,
  }));
  // The shared rules know ws/wss as plain HostPorts; NGINX's own carry the location's path and lines.
  const { ws: _ws, wss: _wss, ...base } = endpointsFromBinds(binds, mapping, admin, file);
  const { ws: W, wss: S } = SERVICE_PORTS; // EMQX: ws 8083, wss 8084
  const ws = websocket(listens, mapping, (l, p) => !l.ssl && p.has(W));
  const wss =
    websocket(listens, mapping, (l, p) => l.ssl && (p.has(W) || p.has(S))) ??
    websocket(listens, mapping, (l, p) => !l.ssl && p.has(S));
  return { ...base, ...(ws ? { ws } : {}), ...(wss ? { wss } : {}) };
}
