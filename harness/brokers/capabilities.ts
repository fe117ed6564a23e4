/** Capabilities per broker kind, known before anything starts (so suites can decide what to skip at collection time). */
import type { Capabilities } from '../types.js';
import { STANDIN_CAPABILITIES } from '../../standin/capabilities.js';

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

export function capabilitiesOf(kind: string): Capabilities {
  if (kind === 'standin') return STANDIN_CAPABILITIES;
  if (kind === 'emqx') return EMQX_CAPABILITIES;
  throw new Error(`unknown broker kind '${kind}'`);
}
