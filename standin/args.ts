/**
 * Command-line arguments of the stand-in node program.
 * Bad or missing arguments raise UsageError; node.ts prints the usage and exits with code 2.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';

export const USAGE = `usage: node dist/standin/node.js --name <node> --bind <ip> --mqtt-port <port> --http-port <port>
         --redis <host:port> [--trust-proxy] [--heartbeat-ms <ms>] [--nagle]
         [--tls-port <port> --tls-cert <pem> --tls-key <pem> [--tls-ca <pem>]] [--ws-port <port>] [--wss-port <port>]

  --name          node name (letters, digits, . _ - @), also the aedes broker id
  --bind          IP address both listeners bind to (e.g. 127.0.1.1)
  --mqtt-port     MQTT/TCP port (0 = any free port; the READY line tells which)
  --http-port     HTTP API port (EMQX v5 subset; 0 = any free port)
  --redis         Redis shared by all nodes of the cluster, host:port
  --trust-proxy   accept an optional PROXY v1/v2 header on the MQTT/TCP listener
  --heartbeat-ms  aedes heartbeat and registry refresh interval (default 2000)
  --nagle         leave Nagle's algorithm on for accepted sockets (default: TCP_NODELAY, as EMQX does)
  --tls-port      also listen for MQTT over TLS on this port (needs --tls-cert and --tls-key)
  --tls-ca        CA bundle (PEM) offered to clients; client certificates are not required
  --ws-port       also serve MQTT over WebSocket on this port, path /mqtt (EMQX: 8083; PROXY header with --trust-proxy)
  --wss-port      also serve MQTT over secure WebSocket on this port, path /mqtt (EMQX: 8084; needs the --tls-* files)

env STANDIN_EXIT_WITH_PARENT=1: exit when the parent process dies.`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TlsArgs {
  port: number;
  certFile: string;
  keyFile: string;
  caFile?: string;
}

export interface NodeArgs {
  name: string;
  bind: string;
  mqttPort: number;
  httpPort: number;
  redis: { host: string; port: number };
  trustProxy: boolean;
  heartbeatMs: number;
  /** TCP_NODELAY on accepted sockets (EMQX's default `tcp_options.nodelay = true`); false only with --nagle. */
  noDelay: boolean;
  tls?: TlsArgs;
  /** MQTT over WebSocket (path /mqtt). */
  wsPort?: number;
  /** MQTT over secure WebSocket (path /mqtt), with the --tls-* certificate. */
  wssPort?: number;
}

const NAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

function parsePort(flag: string, raw: string | undefined): number {
  if (raw === undefined) throw new UsageError(`missing --${flag}`);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--${flag} must be a port number 0-65535, got "${raw}"`);
  }
  return port;
}

function parseRedis(raw: string | undefined): { host: string; port: number } {
  if (raw === undefined) throw new UsageError('missing --redis');
  const m = /^(.+):(\d+)$/.exec(raw);
  if (!m) throw new UsageError(`--redis must be host:port, got "${raw}"`);
  const port = parsePort('redis', m[2]);
  if (port === 0) throw new UsageError('--redis port must not be 0');
  return { host: m[1]!, port };
}

function parseHeartbeat(raw: string | undefined): number {
  if (raw === undefined) return 2000;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms < 100 || ms > 600_000) {
    throw new UsageError(`--heartbeat-ms must be an integer 100-600000, got "${raw}"`);
  }
  return ms;
}

function parseTls(values: Record<string, string | boolean | undefined>): TlsArgs | undefined {
  const port = values['tls-port'] as string | undefined;
  const certFile = values['tls-cert'] as string | undefined;
  const keyFile = values['tls-key'] as string | undefined;
  const caFile = values['tls-ca'] as string | undefined;
  if (port === undefined) {
    if (certFile ?? keyFile ?? caFile) throw new UsageError('--tls-cert/--tls-key/--tls-ca need --tls-port');
    return undefined;
  }
  if (!certFile || !keyFile) throw new UsageError('--tls-port needs --tls-cert and --tls-key');
  return { port: parsePort('tls-port', port), certFile, keyFile, ...(caFile ? { caFile } : {}) };
}

/** Parses argv (without node and script). Returns 'help' for --help. */
export function parseNodeArgs(argv: readonly string[]): NodeArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        name: { type: 'string' },
        bind: { type: 'string' },
        'mqtt-port': { type: 'string' },
        'http-port': { type: 'string' },
        redis: { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        nagle: { type: 'boolean' },
        'heartbeat-ms': { type: 'string' },
        'tls-port': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        'ws-port': { type: 'string' },
        'wss-port': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';

  const name = values.name as string | undefined;
  if (!name) throw new UsageError('missing --name');
  if (!NAME_PATTERN.test(name))
    throw new UsageError(`--name may only contain letters, digits and . _ - @, got "${name}"`);
  const bind = values.bind as string | undefined;
  if (!bind) throw new UsageError('missing --bind');
  if (isIP(bind) === 0) throw new UsageError(`--bind must be an IP address, got "${bind}"`);

  const tls = parseTls(values);
  const ws = values['ws-port'] as string | undefined;
  const wss = values['wss-port'] as string | undefined;
  if (wss !== undefined && !tls) throw new UsageError('--wss-port needs --tls-port, --tls-cert and --tls-key');
  return {
    name,
    bind,
    mqttPort: parsePort('mqtt-port', values['mqtt-port'] as string | undefined),
    httpPort: parsePort('http-port', values['http-port'] as string | undefined),
    redis: parseRedis(values.redis as string | undefined),
    trustProxy: values['trust-proxy'] === true,
    heartbeatMs: parseHeartbeat(values['heartbeat-ms'] as string | undefined),
    noDelay: values.nagle !== true,
    ...(tls ? { tls } : {}),
    ...(ws !== undefined ? { wsPort: parsePort('ws-port', ws) } : {}),
    ...(wss !== undefined ? { wssPort: parsePort('wss-port', wss) } : {}),
  };
}
