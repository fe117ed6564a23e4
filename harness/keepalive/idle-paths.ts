/**
 * Which idle timeouts the suites' clients really meet, per transport: MQTT/TCP goes through the MQTT backend, MQTT
 * over WebSocket (ws/wss) through the backend behind the frontend its endpoint belongs to — HAProxy's `mode http`
 * backend (`timeout tunnel`, else `timeout client`/`timeout server`), NGINX's http location (`proxy_read_timeout`) or
 * stream server (`proxy_timeout`), TS-proxy's listener. Kind-neutral: BalancerFacts and Endpoints only.
 */
import type { BalancerFacts, TimeoutFacts } from '../facts.js';
import type { Endpoints } from '../types.js';
import type { Transport } from '../clients/transport.js';

export interface IdlePath {
  transport: Transport;
  /** The backend the transport's connections go to. */
  backend: string;
  timeouts: TimeoutFacts;
}

const WORDS: Record<Transport, string> = {
  tcp: 'MQTT/TCP',
  ws: 'MQTT over WebSocket (ws)',
  wss: 'MQTT over secure WebSocket (wss)',
};

/** "MQTT over WebSocket (ws), backend emqx_ws_back" — how a finding names the path. */
export function pathWords(p: IdlePath): string {
  return `${WORDS[p.transport]}, ${p.timeouts.scope?.text ?? `backend ${p.backend}`}`;
}

/** The paths of `transports` (a transport without an endpoint has none; an unknown backend falls back to MQTT's). */
export function idlePaths(
  facts: BalancerFacts,
  endpoints: Pick<Endpoints, 'ws' | 'wss' | 'frontends'>,
  transports: readonly Transport[],
): IdlePath[] {
  const mqtt = facts.mqttBackend;
  return transports.flatMap((transport): IdlePath[] => {
    if (transport === 'tcp') return [{ transport, backend: mqtt.name, timeouts: mqtt.timeouts }];
    const ep = endpoints[transport];
    if (!ep) return [];
    const frontend = Object.values(endpoints.frontends).find((f) => f.host === ep.host && f.port === ep.port);
    const backend = facts.backends.find((b) => b.name === frontend?.backend) ?? mqtt;
    return [{ transport, backend: backend.name, timeouts: backend.timeouts }];
  });
}

/** The shortest effective idle timeout over the paths, ms (undefined = none on any). */
export function shortestIdle(paths: readonly IdlePath[]): IdlePath | undefined {
  return paths
    .filter((p) => p.timeouts.effectiveIdleMs)
    .sort((a, b) => a.timeouts.effectiveIdleMs!.value - b.timeouts.effectiveIdleMs!.value)[0];
}
