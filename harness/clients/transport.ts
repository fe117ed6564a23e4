/**
 * The client transport a profile chooses (`clients.transport: tcp | ws | wss`, or a mix such as [tcp, ws]): which
 * balancer endpoint and URL the suites' clients use, and the ConfigError when the balancer config has no frontend
 * for it. MQTT over WebSocket goes to `ws://host:port/mqtt` on the frontend whose servers are the nodes' port 8083.
 */
import { ConfigError } from '../errors.js';
import type { Endpoints, HostPort } from '../types.js';

export const TRANSPORTS = ['tcp', 'ws', 'wss'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** The WebSocket path EMQX (and the stand-in) serve MQTT on. */
export const WS_PATH = '/mqtt';

const WS_PORT = 8083;
const WSS_PORT = 8084;

/** What to add to the balancer config for a transport it has no frontend for. */
const MISSING: Record<Exclude<Transport, 'tcp'>, { what: string; fix: string }> = {
  ws: {
    what: `no WebSocket frontend: no frontend or listen has servers on the nodes' MQTT over WebSocket port ${WS_PORT}`,
    fix: `add a WebSocket frontend whose servers are the brokers on port ${WS_PORT}: HAProxy \`frontend mqtt_ws\` + \`bind :${WS_PORT}\` + \`mode http\` + \`timeout tunnel 1h\` + \`default_backend mqtt_ws_back\`, and \`backend mqtt_ws_back\` with one \`server emqx1 <node1>:${WS_PORT} check\` line per node (TS-proxy: a listener on :${WS_PORT} with servers <node>:${WS_PORT})`,
  },
  wss: {
    what: `no secure WebSocket frontend: no TLS frontend in front of the nodes' port ${WS_PORT}, and none passing through to their port ${WSS_PORT}`,
    fix: `add a frontend with \`bind :${WSS_PORT} ssl crt <pem>\` whose servers are the brokers on port ${WS_PORT} (TLS offload), or a \`mode tcp\` frontend on :${WSS_PORT} whose servers are the brokers on port ${WSS_PORT} (pass-through)`,
  },
};

/** The profile's `clients.transport`, one transport or a list, as a list without repeats (default tcp). */
export function transportList(value: Transport | readonly Transport[] | undefined): Transport[] {
  const list = value === undefined ? ['tcp' as const] : Array.isArray(value) ? value : [value as Transport];
  return [...new Set(list)];
}

/**
 * Throws a ConfigError naming the balancer config (and what to add) when a transport the profile asks for has no
 * endpoint. `configFile`: the user's balancer config (or the profile, for an external target).
 */
export function requireTransportEndpoints(
  transports: readonly Transport[],
  endpoints: Pick<Endpoints, 'ws' | 'wss'>,
  configFile: string,
): void {
  for (const t of transports) {
    if (t === 'tcp' || endpoints[t]) continue;
    const m = MISSING[t];
    throw new ConfigError(
      `the profile asks for MQTT over ${t === 'ws' ? 'WebSocket' : 'secure WebSocket'} (clients.transport: ${t}) but the balancer config has ${m.what}`,
      configFile,
      undefined,
      m.fix,
    );
  }
}

/** Where a client connecting over a WebSocket transport goes instead of the MQTT/TCP endpoint. */
export interface WsTarget {
  transport: 'ws' | 'wss';
  endpoint: HostPort;
  path: string;
  /** Trust anchor for wss (the run's TLS CA). */
  ca?: string;
  servername?: string;
}

/**
 * Hands out the profile's transports in turn to clients aimed at the balancer's MQTT endpoint (a mix alternates,
 * client by client). Clients aimed elsewhere (a node directly, the TLS endpoint) keep their own transport.
 */
export class TransportRoute {
  private next = 0;

  constructor(
    readonly transports: readonly Transport[],
    private readonly endpoints: Pick<Endpoints, 'mqtt' | 'ws' | 'wss'>,
    private readonly tls?: { ca: string; servername: string },
  ) {}

  /** True when only TCP is used (nothing to route). */
  get tcpOnly(): boolean {
    return this.transports.every((t) => t === 'tcp');
  }

  /** The WebSocket target for a client aimed at `target`, or undefined to connect over TCP as asked. */
  pick(target: HostPort, protocol: string | undefined): WsTarget | undefined {
    if (this.tcpOnly || (protocol !== undefined && protocol !== 'mqtt')) return undefined;
    const mqtt = this.endpoints.mqtt;
    if (target.host !== mqtt.host || target.port !== mqtt.port) return undefined;
    const t = this.transports[this.next++ % this.transports.length]!;
    if (t === 'tcp') return undefined;
    const endpoint = this.endpoints[t];
    if (!endpoint) return undefined;
    return {
      transport: t,
      endpoint,
      path: WS_PATH,
      ...(t === 'wss' && this.tls ? { ca: this.tls.ca, servername: this.tls.servername } : {}),
    };
  }
}

/** `ws://host:port/mqtt`. */
export function wsUrl(t: WsTarget): string {
  const host = t.endpoint.host.includes(':') ? `[${t.endpoint.host}]` : t.endpoint.host;
  return `${t.transport}://${host}:${t.endpoint.port}${t.path}`;
}
