/** Route probing: subscriptions propagate through a cluster asynchronously, so a probe message shows when a route exists. */
import type { MqttClient } from 'mqtt';
import { type Inbox, publish } from './mqtt.js';
import { waitFor } from '../util/wait.js';

/** The payload of route probes (receivers filter it out of what they count). */
export const ROUTE_PROBE = 'route-probe';

/** Publishes probes on `topic` until one reaches `inbox` (bounded: 5 s). */
export async function waitForRoute(pub: MqttClient, inbox: Inbox, topic: string): Promise<void> {
  await waitFor(
    async () => {
      await publish(pub, topic, ROUTE_PROBE, { qos: 0 });
      await inbox.waitFor(1, 100).catch(() => undefined);
      return inbox.messages.length > 0;
    },
    { timeoutMs: 5000, intervalMs: 1, what: `route for ${topic}` },
  );
}
