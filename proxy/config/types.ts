/**
 * The validated TS-proxy configuration: a plain object (durations in milliseconds, defaults filled in)
 * that can be dumped back to YAML with `serializeProxyConfig`. Keys mirror the YAML file.
 */
import type { LogLevel } from '../util/log.js';

export type BalanceAlgorithm = 'roundrobin' | 'leastconn' | 'source' | 'random' | 'clientid';
export type FallbackAlgorithm = Exclude<BalanceAlgorithm, 'clientid'>;
export type MaxconnPolicy = 'queue' | 'refuse';
export type HealthType = 'none' | 'tcp' | 'http' | 'mqtt';
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface GlobalConfig {
  /** Concurrent client connections over all frontends. */
  maxconn: number;
  /** What happens to a connection above `maxconn`: wait for a slot (`queue`) or close at once (`refuse`). */
  maxconn_policy: MaxconnPolicy;
  /** Longest wait in the global queue (ms). */
  queue_timeout: number;
  log_level: LogLevel;
}

export interface AdminConfig {
  bind: string;
  /** Bearer token required on every admin request; `null` = no authentication. */
  token: string | null;
  /** 1-based line of `admin.bind`. */
  line: number;
}

export interface SniCertConfig {
  servername: string;
  cert: string;
  key: string;
}

export interface TlsConfig {
  cert: string;
  key: string;
  min_version: TlsVersion;
  ciphers: string | null;
  client_ca: string | null;
  /** Client certificates: `none` (not requested), `optional` (requested, not required), `required`. */
  verify: 'none' | 'optional' | 'required';
  /** Extra certificates chosen by SNI server name (`*.example.com` wildcards allowed). */
  sni: SniCertConfig[];
}

export interface FrontendConfig {
  name: string;
  bind: string;
  backend: string;
  tls: TlsConfig | null;
  /** `mqtt`: the first packet must be a valid MQTT CONNECT (else the connection is closed); `none`: pure L4. */
  inspect: 'mqtt' | 'none';
  timeouts: { handshake: number; idle: number };
  rate_limit: { per_source_per_s: number } | null;
  /** 1-based line of this frontend's `bind`. */
  line: number;
}

export interface HealthConfig {
  type: HealthType;
  inter: number;
  fall: number;
  rise: number;
  timeout: number;
  /** Check port; `null` = the server's own port. */
  port: number | null;
  /** HTTP check path. */
  path: string;
  /** HTTP check: the body must contain this text (`null` = any body). */
  expect_body: string | null;
  /** Send the backend's PROXY header on checks to the server's own port (HAProxy `check-send-proxy`). */
  send_proxy: boolean;
}

export interface ServerConfig {
  name: string;
  address: string;
  weight: number;
  /** Concurrent connections to this server; `null` = unlimited. */
  maxconn: number | null;
  /** Initial administrative state. */
  state: 'ready' | 'drain' | 'maint';
  /** 1-based line of this server's YAML node. */
  line: number;
}

export interface BackendConfig {
  name: string;
  balance: BalanceAlgorithm;
  clientid: { inspect_timeout: number; fallback: FallbackAlgorithm; balance_factor: number };
  send_proxy: 'v1' | 'v2' | null;
  on_marked_down: 'shutdown-sessions' | null;
  maxconn_policy: MaxconnPolicy;
  /** Connection attempts on other servers after a failed connect (HAProxy `retries` + `redispatch`). */
  retries: number;
  timeouts: { connect: number; queue: number };
  health: HealthConfig;
  servers: ServerConfig[];
  line: number;
}

export interface ProxyConfig {
  global: GlobalConfig;
  admin: AdminConfig | null;
  frontends: FrontendConfig[];
  backends: BackendConfig[];
}

/** One validation problem, printed as `<file>:<line>: <key>: <message>`. */
export interface ConfigIssue {
  file: string;
  line: number;
  key: string;
  message: string;
}
