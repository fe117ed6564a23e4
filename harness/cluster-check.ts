/** Proves the nodes form one cluster before any suite runs: a message published on the first node reaches a subscriber on the last. */
import type { NodeInfo } from './types.js';
import { ClientPool, Inbox, publish, subscribe } from './clients/mqtt.js';

export async function verifyClusterRouting(nodes: readonly NodeInfo[], timeoutMs = 10_000): Promise<number> {
  const first = nodes[0]!;
  const last = nodes[nodes.length - 1]!;
  const pool = new ClientPool();
  const started = Date.now();
  try {
    const sub = await pool.connect(last.mqtt, { clientId: `mqtt-lb-verify-sub-${process.pid}` }, timeoutMs);
    const topic = `mqtt-lb/verify/${process.pid}/${Date.now()}`;
    const inbox = new Inbox(sub, (t) => t === topic);
    await subscribe(sub, topic, 1);
    const pub = await pool.connect(first.mqtt, { clientId: `mqtt-lb-verify-pub-${process.pid}` }, timeoutMs);
    // Subscriptions propagate through Redis asynchronously: publish until one arrives (bounded).
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; inbox.messages.length === 0 && Date.now() < deadline && i < 100; i++) {
      await publish(pub, topic, `verify ${i}`, { qos: 1 });
      await inbox.waitFor(1, 200).catch(() => undefined); // nothing yet: publish again (bounded loop)
    }
    if (!inbox.messages.length) {
      throw new Error(
        `cluster check failed: a message published on ${first.name} (${first.mqtt.host}) did not reach a subscriber on ${last.name} within ${timeoutMs} ms — the nodes do not share routing`,
      );
    }
    return Date.now() - started;
  } finally {
    await pool.closeAll();
  }
}
