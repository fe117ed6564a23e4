/** The pubsub suite's assertion builders: placement on every expected node, counted cross-node delivery, queued messages on resume. */
import { expect } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import type { SuiteHarness } from './context.js';
import { connectPlaced, connectUntilCovered, upServers, type PlacedClient } from '../clients/placement.js';
import { expectedPlacement } from '../clients/placement-expectation.js';
import { DeliveryLedger, percentile, stampPayload } from '../metrics/delivery.js';
import { Inbox, publish, subscribe } from '../clients/mqtt.js';
import { ROUTE_PROBE, waitForRoute } from '../clients/route-probe.js';
import { waitFor } from '../util/wait.js';

type Pubsub = SuiteHarness<'pubsub'>;

/** Connects through the balancer until every node that should get clients has one; error finding for those left empty. */
export async function expectClientsOnEveryNode(h: Pubsub, tag: string): Promise<void> {
  const d = h.deployment;
  // The nodes the algorithm, the weights, backup flags and the UP servers say get clients, and how many connects
  // it takes to see the lightest of them (weights 80/10/10 need more than three per node).
  const expected = expectedPlacement(
    d.balancerFacts,
    d.nodes.map((x) => x.name),
    await upServers(d),
  );
  const placed = await connectUntilCovered(d, h.pool, expected.nodes, expected.budget, tag);
  const n = placed.length;
  const counts = Object.fromEntries(d.nodes.map((x) => [x.name, placed.filter((p) => p.node === x.name).length]));
  // Cross-check with the per-node counters (`live_connections`), which peers publish asynchronously.
  const liveTotal = await waitFor(
    async () => {
      const total = (await d.nodeApi('node1').nodes()).reduce((a, x) => a + (x.live_connections ?? 0), 0);
      return total >= n ? total : undefined;
    },
    { timeoutMs: 5000, what: `live_connections to add up to ${n}` },
  );
  expect(liveTotal).toBeGreaterThanOrEqual(n);
  const empty = expected.nodes.filter((x) => !counts[x]);
  if (empty.length || expected.nodes.length === 0) {
    h.finding({
      severity: 'error',
      title: expected.nodes.length
        ? `no client landed on ${empty.join(', ')}`
        : `no node can receive clients: ${expected.basis}`,
      detail: `${n} clients from ${n} source addresses: ${JSON.stringify(counts)}; expected: ${expected.basis}`,
    });
  }
  expect(expected.nodes).not.toHaveLength(0);
  expect(empty).toEqual([]);
  await Promise.all(placed.map((p) => new Promise<void>((r) => p.client.end(true, {}, () => r()))));
}

/** `total` stamped messages at `qos` from `pub` to `sub` (on other nodes): counted, in order, latency metrics. */
export async function expectCountedDelivery(
  h: Pubsub,
  sub: { client: MqttClient; node: string },
  pub: { client: MqttClient; node: string },
  topic: string,
  qos: 0 | 1 | 2,
  total = 200,
): Promise<void> {
  const ledger = new DeliveryLedger();
  const inbox = new Inbox(sub.client, (t) => t === topic);
  await subscribe(sub.client, topic, qos);
  await waitForRoute(pub.client, inbox, topic);
  const onMessage = (t: string, payload: Buffer): void =>
    void (t === topic && payload.toString() !== ROUTE_PROBE && ledger.recordReceived(payload));
  sub.client.on('message', onMessage);
  for (let s = 0; s < total; s++) {
    ledger.recordSent('p1', s);
    await publish(pub.client, topic, stampPayload('p1', s), { qos });
    if (qos > 0) ledger.recordAcked('p1', s);
  }
  await waitFor(() => ledger.report().ok >= total, { timeoutMs: 15_000, what: `${total} messages` }).catch(
    () => undefined,
  );
  const r = ledger.report();
  const { latenciesMs: _latencies, ...counts } = r;
  h.metric(`qos${qos}`, {
    sub: sub.node,
    pub: pub.node,
    ...counts,
    p50_ms: percentile(r.latenciesMs, 50),
    p99_ms: percentile(r.latenciesMs, 99),
  });
  if (qos === 1 && r.duplicated)
    h.finding({ severity: 'info', title: `${r.duplicated} QoS 1 duplicates (allowed: at-least-once)` });
  expect({ received: r.ok, unexpected: r.unexpected, reordered: r.reordered }).toEqual({
    received: total,
    unexpected: 0,
    reordered: 0,
  });
  if (qos === 2) expect(r.duplicated).toBe(0);
  if (qos === 1)
    h.metric('latency_ms', {
      p50: percentile(r.latenciesMs, 50),
      p99: percentile(r.latenciesMs, 99),
      max: Math.max(...r.latenciesMs),
      samples: r.latenciesMs.slice(0, 500),
    });
}

/** The queued QoS 1 messages a resumed session got: all five (twice is info, out of order a warning). */
export function expectQueuedOnResume(h: Pubsub, got: string[]): void {
  const firsts = got.filter((m, i) => got.indexOf(m) === i);
  if (got.length > firsts.length)
    h.finding({
      severity: 'info',
      title: `${got.length - firsts.length} queued QoS 1 message(s) delivered twice on resume (allowed: at-least-once)`,
    });
  const expected = [0, 1, 2, 3, 4].map((i) => `queued-${i}`);
  if (firsts.join() !== expected.join())
    h.finding({
      severity: 'warning',
      title: `queued QoS 1 messages arrived out of order: ${firsts.join(', ')}`,
      detail: h.capabilities.notes.find((n) => n.includes('PUBACK')),
    });
  expect([...firsts].sort()).toEqual(expected);
}

/** A client with a will on `topic` that the balancer placed on another node than `awayFrom` (up to 12 tries). */
export async function connectWillAwayFrom(
  h: Pubsub,
  awayFrom: string,
  topic: string,
  idPrefix: string,
): Promise<PlacedClient> {
  const will = { topic, payload: Buffer.from('gone'), qos: 1 as const, retain: false };
  let dying = await connectPlaced(h.deployment, h.pool, { clientId: `${idPrefix}-0`, will });
  for (let i = 1; dying.node === awayFrom && i < 12; i++) {
    await new Promise<void>((r) => dying.client.end(true, {}, () => r()));
    dying = await connectPlaced(h.deployment, h.pool, {
      clientId: `${idPrefix}-${i}`,
      localAddress: `127.0.2.${i + 20}`,
      will,
    });
  }
  return dying;
}
