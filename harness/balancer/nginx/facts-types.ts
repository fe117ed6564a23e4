/**
 * What an nginx.conf says beyond the kind-neutral BalancerFacts: passive failure counting per server, the timeouts
 * and flags of each proxy (stream server or http location), WebSocket readiness of a location, and worker limits —
 * each with the line it came from, so findings can quote it.
 */
import type { BalancerFacts, Located } from '../../facts.js';

export interface NginxServerFacts {
  backend: string;
  /** The address as written. */
  name: string;
  node: string;
  file: string;
  line: number;
  weight: Located<number>;
  /** Failed attempts within failTimeout before the server is skipped (default 1; 0 = never skipped). */
  maxFails: Located<number>;
  /** Window for counting failures, and how long a failed server is then skipped (default 10 s). */
  failTimeoutMs: Located<number>;
  down?: Located<boolean>;
  backup?: Located<boolean>;
  maxConns?: Located<number>;
}

export interface NginxUpstreamFacts {
  /** Backend name (as in MappingEntry.backend). */
  name: string;
  context: 'stream' | 'http';
  file: string;
  line: number;
  /** The balancing directive as NGINX writes it (`least_conn`, `hash $remote_addr consistent`, `round-robin`). */
  method: Located<string>;
  /** `zone`: failure counts and least_conn counts shared by all workers; without it each worker keeps its own. */
  zone?: Located<string>;
  servers: NginxServerFacts[];
}

export interface WebSocketFacts {
  /** proxy_http_version (default 1.0: no WebSocket). */
  httpVersion: Located<string>;
  /** proxy_set_header Upgrade … as in effect for the location. */
  upgrade?: Located<string>;
  /** proxy_set_header Connection … as in effect for the location. */
  connection?: Located<string>;
  /** Upgrade can pass: HTTP/1.1 and both headers set. */
  ready: boolean;
  /** What stops the handshake, each naming its line or the missing directive. */
  problems: string[];
}

export interface NginxProxyFacts {
  context: 'stream' | 'http';
  file: string;
  /** The `server` block's line. */
  serverLine: number;
  /** Its listen lines. */
  listenLines: number[];
  /** http: the location (path, line). */
  location?: { path: string; line: number };
  /** The proxy_pass line. */
  line: number;
  backends: string[];
  /** stream: proxy_timeout (default 10m); http: proxy_read_timeout (default 60s) — the idle limit of a connection. */
  idleTimeoutMs: Located<number>;
  /** http: proxy_send_timeout (default 60s). */
  sendTimeoutMs?: Located<number>;
  /** proxy_connect_timeout (default 60s): how long a connect to a dead node is waited for. */
  connectTimeoutMs: Located<number>;
  /** stream `proxy_protocol on`: a PROXY v1 header is sent to the node. */
  proxyProtocol?: Located<boolean>;
  /** stream `ssl_preread on`: SNI read, TLS passed through. */
  sslPreread?: Located<boolean>;
  /** A listen of this server has `ssl` (TLS terminated by NGINX). */
  tlsOffload: boolean;
  /** `limit_conn <zone> N` in effect. */
  limitConn?: Located<number>;
  /** http locations whose upstream serves WebSocket (node port 8083/8084). */
  websocket?: WebSocketFacts;
}

export interface NginxLimitFacts {
  workerProcesses: Located<string>;
  /** Per worker; counts client and upstream connections alike (default 512). */
  workerConnections: Located<number>;
  workerRlimitNofile?: Located<number>;
}

/** A fact stated in plain words, with the line it is about (none when it is about a default). */
export interface NginxStatement {
  text: string;
  file?: string;
  line?: number;
}

export interface NginxExtraFacts {
  upstreams: NginxUpstreamFacts[];
  proxies: NginxProxyFacts[];
  limits: NginxLimitFacts;
  /** Passive checks only, per-worker counters, WebSocket problems, idle timeouts — one sentence each. */
  statements: NginxStatement[];
}

export interface NginxFacts extends BalancerFacts {
  nginx: NginxExtraFacts;
}
