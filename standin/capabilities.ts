/**
 * What the stand-in broker (aedes 1.2 nodes over one Redis) can do, for the harness to skip tests
 * that need more, and for the report to explain how it differs from EMQX CE.
 */
import type { Capabilities } from '../harness/types.js';

export const STANDIN_CAPABILITIES: Capabilities = {
  mqtt5: false,
  sharedSubscriptions: false,
  sessionsSurviveNodeLoss: true,
  willsOfDeadNode: true,
  queuesQos0Offline: false,
  proxyHeaderOptional: true,
  notes: [
    'MQTT 3.1.1 only: aedes 1.2 answers a v5 CONNECT with CONNACK rc 1 (unacceptable protocol version).',
    'No shared subscriptions: $share/<group>/<topic> is treated as a literal topic.',
    'Persistent sessions live in Redis, so they survive a killed node and resume on any other node (EMQX CE: lost).',
    "A killed node's Wills are published by a survivor after ~3-7 heartbeats (EMQX CE: never).",
    'QoS 0 messages are not queued for offline persistent sessions (EMQX queues them by default).',
    'A PROXY-enabled listener also accepts connections without a header (EMQX rejects them); no PROXY on TLS.',
    'Cross-node QoS 1/2 to online subscribers is at-most-once through Redis pub/sub (PUBACK precedes routing).',
    'Same client id on two nodes at once may kick both connections (no cluster-wide lock).',
  ],
};
