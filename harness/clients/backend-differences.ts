/**
 * Measures, through the balancer, the broker differences a client would be surprised by (QoS 2 downgraded,
 * retained messages invisible on another node), so a suite can state them as findings about the backend rather
 * than only skip the tests that assume them.
 */
import type { MqttClient } from 'mqtt';
import type { Finding } from '../report/summary-types.js';
import { Inbox, publish, subscribe } from './mqtt.js';

/** The QoS the broker grants to a QoS 2 SUBSCRIBE. */
export function grantedQos(client: MqttClient, topic: string): Promise<number> {
  return new Promise((resolve, reject) => {
    client.subscribe(topic, { qos: 2 }, (err, granted) => (err ? reject(err) : resolve(granted?.[0]?.qos ?? -1)));
  });
}

/** Whether a retained message published by `pub` reaches a new subscription of `sub` (on another node) within `ms`. */
export async function retainedSeenAcross(pub: MqttClient, sub: MqttClient, topic: string, ms = 3000): Promise<boolean> {
  await publish(pub, topic, 'kept', { qos: 1, retain: true });
  const inbox = new Inbox(sub, (t) => t === topic);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await subscribe(sub, topic, 1);
    await inbox.waitFor(1, 500).catch(() => undefined); // not there yet: subscribe again until the deadline
    if (inbox.messages.some((m) => m.packet.retain)) break;
  }
  await publish(pub, topic, '', { qos: 1, retain: true });
  return inbox.messages.some((m) => m.packet.retain);
}

export function qos2Finding(granted: number, kind: string, note: string | undefined): Finding {
  return {
    severity: 'warning',
    title: `${kind}: a QoS 2 subscription through the balancer is granted QoS ${granted} (exactly-once is not available)`,
    detail:
      `${note ?? ''} Clients that rely on QoS 2 get at-least-once delivery from this backend: deduplicate by message id, or choose a broker with QoS 2.`.trim(),
  };
}

export function retainedFinding(pubNode: string, subNode: string, kind: string, note: string | undefined): Finding {
  return {
    severity: 'warning',
    title: `${kind}: a retained message published through the balancer onto ${pubNode} is not seen by a subscriber the balancer put on ${subNode}`,
    detail:
      `${note ?? ''} Behind a balancer a client's node is chance: publish retained state to every node, or keep "last value" state elsewhere.`.trim(),
  };
}
