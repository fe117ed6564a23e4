/** Capabilities per broker kind, known before anything starts (so suites can decide what to skip at collection time). */
import type { Capabilities } from '../types.js';
import { RABBITMQ_CAPABILITIES } from './rabbitmq.js';

export const EMQX_CAPABILITIES: Capabilities = {
  mqtt5: true,
  sharedSubscriptions: true,
  sessionsSurviveNodeLoss: false,
  willsOfDeadNode: false,
  queuesQos0Offline: true,
  proxyHeaderOptional: false,
  notes: [
    "EMQX CE 5.8: sessions are memory-only; a killed node loses its sessions and its clients' Wills are never published.",
    'A listener with proxy_protocol=true rejects connections without a PROXY header.',
  ],
};

/** The stand-in (aedes 1.2 nodes over one Redis): what it does differently from EMQX CE, for skips and the report. */
export const STANDIN_CAPABILITIES: Capabilities = {
  mqtt5: false,
  sharedSubscriptions: false,
  sessionsSurviveNodeLoss: true,
  willsOfDeadNode: true,
  queuesQos0Offline: false,
  proxyHeaderOptional: true,
  // SIGTERM destroys every client socket, waits, then closes the broker (aedes-standin P3).
  willsOnGracefulStop: true,
  nodeTlsRequiresClientCert: false,
  notes: [
    'MQTT 3.1.1 only: aedes 1.2 answers a v5 CONNECT with CONNACK rc 1 (unacceptable protocol version).',
    'No shared subscriptions: $share/<group>/<topic> is treated as a literal topic.',
    'Persistent sessions live in Redis, so they survive a killed node and resume on any other node (EMQX CE: lost).',
    "A killed node's Wills are published by a survivor after ~3-7 heartbeats (EMQX CE: never).",
    'QoS 0 messages are not queued for offline persistent sessions (EMQX queues them by default).',
    'A PROXY-enabled listener also accepts connections without a header (EMQX rejects them); no PROXY on TLS.',
    'Cross-node QoS 1/2 to online subscribers goes through Redis pub/sub, at most once per node hop (the PUBACK follows store and routing, P13).',
    'Same client id on two nodes at once may kick both connections (no cluster-wide lock).',
  ],
};

const BY_KIND: Readonly<Record<string, Capabilities>> = {
  standin: STANDIN_CAPABILITIES,
  emqx: EMQX_CAPABILITIES,
  rabbitmq: RABBITMQ_CAPABILITIES,
};

export function capabilitiesOf(kind: string): Capabilities {
  const c = BY_KIND[kind];
  if (!c) throw new Error(`unknown broker kind '${kind}'`);
  return c;
}
