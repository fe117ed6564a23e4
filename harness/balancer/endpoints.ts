/**
 * Which frontend the suites' clients use for MQTT, MQTT/TLS, MQTT over WebSocket (ws/wss) and the dashboard, decided by
 * what the servers behind each frontend serve (node port 1883, 8883, 8083, 8084, 18083), never by the order of the file: a frontend or listen without
 * servers behind it (stats page, Prometheus exporter, `http-request return`) is never an endpoint.
 */
import { ConfigError } from '../errors.js';
import type { Endpoints, HostPort, MappingEntry } from '../types.js';

/** Node service ports used to tell which frontend is MQTT, MQTT/TLS, MQTT over WebSocket (EMQX's ws/wss) or the dashboard. */
export const SERVICE_PORTS = { mqtt: 1883, mqtts: 8883, http: 18083, ws: 8083, wss: 8084 } as const;

export interface BindLike {
  frontend: string;
  host: string;
  port: number;
  ssl: boolean;
  /** The frontend's default_backend (a listen: itself). */
  backend?: string;
  /** Every backend it can pick (default_backend and `use_backend` targets); absent: just `backend`. */
  backends?: string[];
  /** 1-based line of the bind in the user's config. */
  line?: number;
  /** The bind address as written (`:1883`, `10.0.0.1:8883`), to recognise the port the user meant. */
  original?: string;
}

/** Upstream (node) ports behind a backend. */
function portsOf(backend: string | undefined, mapping: readonly MappingEntry[]): Set<number> {
  return new Set(mapping.filter((m) => m.backend === backend).map((m) => Number(m.mapped.split(':').pop())));
}

function writtenPort(b: BindLike): number | undefined {
  const m = /:(\d+)(?:-\d+)?$/.exec(b.original ?? '');
  return m ? Number(m[1]) : undefined;
}

interface Candidate {
  bind: BindLike;
  /** Ports served by the default backend (a listen: itself). */
  main: Set<number>;
  /** Ports served by any backend the frontend can pick. */
  any: Set<number>;
}

/** The first bind matching the tests, tried in order: earlier tests win over file order. */
function pick(cands: Candidate[], ...tests: ((c: Candidate) => boolean)[]): Candidate | undefined {
  for (const t of tests) {
    const hit = cands.find(t);
    if (hit) return hit;
  }
  return undefined;
}

/** Classifies frontends by what their backends' servers serve (mqtt/http/mqtts port) and TLS. */
export function endpointsFromBinds(
  binds: BindLike[],
  mapping: readonly MappingEntry[],
  admin?: Endpoints['balancerAdmin'],
  file?: string,
): Endpoints {
  const frontends: Endpoints['frontends'] = {};
  const cands: Candidate[] = [];
  for (const b of binds) {
    const key = frontends[b.frontend] ? `${b.frontend}#${b.port}` : b.frontend;
    frontends[key] = {
      host: b.host,
      port: b.port,
      tls: b.ssl,
      backend: b.backend,
      ...(b.line ? { line: b.line } : {}),
    };
    const any = new Set([...(b.backends ?? [b.backend])].flatMap((name) => [...portsOf(name, mapping)]));
    if (any.size) cands.push({ bind: b, main: portsOf(b.backend, mapping), any });
  }
  const { mqtt: M, mqtts: S, http: H, ws: W, wss: WS } = SERVICE_PORTS;
  const plain = cands.filter((c) => !c.bind.ssl);
  const tls = cands.filter((c) => c.bind.ssl);
  const known = (p: number): boolean => p === M || p === S || p === H;
  const mqttC =
    pick(
      plain,
      (c) => c.main.has(M),
      (c) => c.any.has(M),
    ) ??
    // servers on a port the nodes do not serve (e.g. a 1884 typo): still the MQTT frontend, startup checks name it
    pick(plain, (c) => [...c.main].some((p) => !known(p) && p !== W && p !== WS));
  // `bind :1883 ssl` in front of 1883 and no plain frontend: the user meant the plain port. HAProxy holds a plain
  // CONNECT there until its handshake timeout, so every client would just time out: refuse, naming the bind.
  const sslOnPlain = mqttC ? undefined : pick(tls, (c) => writtenPort(c.bind) === M && c.any.has(M));
  if (sslOnPlain)
    throw new ConfigError(
      `no plain MQTT frontend: frontend ${sslOnPlain.bind.frontend} binds the plain MQTT port (${sslOnPlain.bind.original ?? sslOnPlain.bind.port}, line ${sslOnPlain.bind.line ?? '?'}) with \`ssl\`, so plain MQTT clients cannot connect to it`,
      file,
      sslOnPlain.bind.line,
      'remove `ssl crt …` from that bind (serve MQTT over TLS on its own frontend, e.g. :8883)',
    );
  if (!mqttC)
    throw new ConfigError(
      'no frontend can serve plain MQTT: none has a backend whose servers serve port 1883',
      file,
      undefined,
      'add a frontend (or listen) with `bind :1883` and a default_backend whose servers are the brokers on port 1883',
    );
  const mqttsC =
    pick(
      tls.filter((c) => c !== mqttC),
      (c) => c.main.has(S) || c.main.has(M),
      (c) => c.any.has(S) || c.any.has(M),
    ) ??
    pick(
      plain,
      (c) => c.main.has(S),
      (c) => c.any.has(S),
    );
  const dashC =
    pick(
      plain,
      (c) => c.main.has(H),
      (c) => c.any.has(H),
    ) ?? pick(tls, (c) => c.main.has(H));
  // WebSocket: a plain frontend in front of the nodes' ws port; wss: TLS offloaded in front of ws, or passed through
  // to the nodes' wss port.
  const wsC = pick(
    plain,
    (c) => c.main.has(W),
    (c) => c.any.has(W),
  );
  const wssC = pick(
    [...tls, ...plain],
    (c) => (c.bind.ssl && c.main.has(W)) || c.main.has(WS),
    (c) => (c.bind.ssl && c.any.has(W)) || c.any.has(WS),
  );
  const hp = (c: Candidate | undefined): HostPort | undefined => c && { host: c.bind.host, port: c.bind.port };
  return {
    mqtt: hp(mqttC)!,
    mqtts: hp(mqttsC),
    dashboard: hp(dashC),
    ...(wsC ? { ws: hp(wsC) } : {}),
    ...(wssC ? { wss: hp(wssC) } : {}),
    balancerAdmin: admin,
    frontends,
  };
}
