/**
 * Proves the nodes form one cluster before any suite runs: a message published on every node reaches a subscriber on
 * every other node (each ordered pair), so a node whose cross-node routing is not up yet delays the start (bounded)
 * instead of failing the first test that needs it.
 */
import type { NodeInfo } from './types.js';
import { ClientPool, Inbox, publish, subscribe } from './clients/mqtt.js';

export async function verifyClusterRouting(nodes: readonly NodeInfo[], timeoutMs = 15_000): Promise<number> {
  const pool = new ClientPool();
  const started = Date.now();
  const deadline = started + timeoutMs;
  const topic = `mqtt-lb/verify/${process.pid}/${Date.now()}`;
  try {
    const subs = await Promise.all(
      nodes.map(async (n) => {
        const client = await pool.connect(
          n.mqtt,
          { clientId: `mqtt-lb-verify-sub-${n.name}-${process.pid}` },
          timeoutMs,
        );
        const inbox = new Inbox(client, (t) => t.startsWith(`${topic}/`));
        await subscribe(client, `${topic}/+`, 1);
        return { node: n, inbox };
      }),
    );
    const pubs = await Promise.all(
      nodes.map(async (n) => ({
        node: n,
        client: await pool.connect(n.mqtt, { clientId: `mqtt-lb-verify-pub-${n.name}-${process.pid}` }, timeoutMs),
      })),
    );
    /** Ordered pairs "from→to" whose message has not arrived yet. */
    const missing = (): string[] =>
      pubs.flatMap((p) =>
        subs
          .filter((s) => s.node !== p.node && !s.inbox.messages.some((m) => m.topic === `${topic}/${p.node.name}`))
          .map((s) => `${p.node.name}→${s.node.name}`),
      );
    // Subscriptions propagate through the cluster asynchronously: publish until every pair has one (bounded loop).
    for (let i = 0; missing().length && Date.now() < deadline && i < 150; i++) {
      await Promise.all(pubs.map((p) => publish(p.client, `${topic}/${p.node.name}`, `verify ${i}`, { qos: 1 })));
      const want = Math.min(...subs.map((s) => s.inbox.messages.length)) + 1;
      await Promise.all(subs.map((s) => s.inbox.waitFor(want, 100).catch(() => undefined)));
    }
    const left = missing();
    if (left.length)
      throw new Error(
        `cluster check failed: within ${timeoutMs} ms no message crossed ${left.join(', ')} (published on the first node of each pair, subscribed on the second) — those nodes do not share routing`,
      );
    return Date.now() - started;
  } finally {
    await pool.closeAll();
  }
}
