/**
 * What the suites need to know about a balancer config, whatever the balancer kind: the MQTT
 * backend's algorithm, weights, health checks and timeouts — each with the config line it came from,
 * so findings can name it. HAProxy fills this from haproxy.cfg, TS-proxy from its YAML.
 */

export interface Located<T> {
  value: T;
  /** 1-based line in the user's config file (undefined when it is a default, not written). */
  line?: number;
  /** The config text the value came from, e.g. "server emqx_node_1 … check inter 10s fall 5". */
  source?: string;
}

export interface ServerFacts {
  name: string;
  /** Harness node it is mapped to. */
  node: string;
  weight: Located<number>;
  line: number;
  /** Health check configured for this server. */
  check: HealthCheckFacts;
  /** A backup server: it takes traffic only when every non-backup server is down. */
  backup?: Located<boolean>;
  /** Concurrent connections this server accepts before the balancer queues (HAProxy `maxconn`). */
  maxconn?: Located<number>;
  /** Connections that may wait for this server before the balancer refuses (HAProxy `maxqueue`). */
  maxqueue?: Located<number>;
  /** PROXY protocol header sent to the node (HAProxy `send-proxy` / `send-proxy-v2`), with its line. */
  sendProxy?: Located<'v1' | 'v2'>;
}

export type HealthCheckKind = 'none' | 'tcp' | 'http' | 'mqtt' | 'passive';

export interface HealthCheckFacts {
  /**
   * 'none' = no check at all; 'tcp' = connect only (passes for a hung node); 'http' / 'mqtt' = application level;
   * 'passive' = no probe, failures of real client connects are counted (NGINX open source `max_fails`/`fail_timeout`:
   * `fall` = max_fails, `interMs` = fail_timeout, `timeoutMs` = proxy_connect_timeout). A passive balancer has no
   * DOWN/UP state to observe: a killed node is skipped per connect attempt, a hung one that still accepts is not.
   */
  kind: Located<HealthCheckKind>;
  /** For http: does the check match the body/status so that a hung or stopping node fails it? */
  http?: { path?: string; port?: number; expect?: string };
  interMs: Located<number>;
  fall: Located<number>;
  rise: Located<number>;
  timeoutMs?: Located<number>;
  /** HAProxy on-marked-down shutdown-sessions / TS-proxy on_marked_down. */
  shutdownSessionsOnDown: Located<boolean>;
}

export interface TimeoutFacts {
  /** Effective idle timeout on the client side, ms (undefined = infinite). */
  clientMs?: Located<number>;
  serverMs?: Located<number>;
  /** HAProxy `timeout tunnel` (supersedes client/server in TCP mode once established). */
  tunnelMs?: Located<number>;
  /** The effective idle limit for an established MQTT connection, ms (undefined = none). */
  effectiveIdleMs?: Located<number>;
  /** The block the timeouts are read from, e.g. "backend emqx_ws_back" / "location /mqtt", with its line (defaults name it). */
  scope?: { text: string; line?: number };
  /** Which timeout governs an established connection here, in the balancer's words (absent: HAProxy's TCP-mode rule). */
  rule?: string;
  /** What to raise, in the balancer's words, e.g. "`proxy_read_timeout` in location /mqtt (line 34)". */
  fix?: string;
}

export interface BackendFacts {
  name: string;
  algorithm: Located<string>;
  /** Stickiness on the MQTT client id (HAProxy stick on mqtt_field_value(connect,client_identifier), TS-proxy clientid). */
  clientIdStickiness?: Located<boolean>;
  servers: ServerFacts[];
  timeouts: TimeoutFacts;
  /** Limits in front of the servers that can hold back or refuse new connections. */
  limits?: ConnectLimitFacts;
  /** HAProxy `hash-balance-factor`: bounded-load hashing moves a client off a server above this % of the mean load. */
  hashBalanceFactor?: Located<number>;
}

/** Connection limits above the servers: where connects queue or are refused before a server is picked. */
export interface ConnectLimitFacts {
  /** Process-wide `global maxconn` (HAProxy), as run. */
  globalMaxconn?: Located<number>;
  /** The MQTT frontend's `maxconn` (own or from defaults), as run. */
  frontendMaxconn?: Located<number>;
  /** New sessions per second the frontend accepts (`rate-limit sessions`, TS-proxy per-source rate). */
  rateLimitSessions?: Located<number>;
  /** How long a queued connection waits for a server slot (`timeout queue`, else `timeout connect`). */
  queueTimeoutMs?: Located<number>;
}

export interface FrontendBindFacts {
  /** 1-based line of the bind. */
  line: number;
  source: string;
  /** `bind … ssl`: the port speaks TLS. */
  ssl: boolean;
  /** `bind … accept-proxy`: the port expects a PROXY protocol header from clients. */
  acceptProxy: boolean;
}

export interface FrontendFacts {
  name: string;
  /** 1-based line of the section header (`frontend <name>` / `listen <name>`). */
  line: number;
  /** 'tcp' or 'http', with the line it came from (the frontend's own `mode`, else its defaults'). */
  mode: Located<string>;
  binds: FrontendBindFacts[];
  backend?: string;
}

/** Every server of the backend is judged by passive failure counting only: the balancer has no up/down state for it. */
export function passiveOnly(backend: BackendFacts): boolean {
  return backend.servers.length > 0 && backend.servers.every((s) => s.check.kind.value === 'passive');
}

export interface BalancerFacts {
  kind: string;
  file: string;
  /** The backend behind the plain MQTT frontend. */
  mqttBackend: BackendFacts;
  backends: BackendFacts[];
  /** Frontends (and listen sections) with their mode and binds; absent for kinds that do not read them. */
  frontends?: FrontendFacts[];
  /** Why a WebSocket upgrade cannot pass (e.g. an NGINX location without Upgrade/Connection headers), each with its line. */
  websocketProblems?: Array<{ text: string; file?: string; line?: number }>;
}
