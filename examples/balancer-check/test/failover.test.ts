/**
 * Our own check of traffic through our HAProxy config (lb/haproxy.cfg): when the node a client sits on dies, the
 * client reconnects through the balancer to another node and no acknowledged message is lost.
 */
// #region readme
import { expect, test } from '@jest/globals';
import { MqttLbDeployment } from 'mqtt-lb-harness';

/** Polls `check` until it holds; fails naming `what` after `ms`. */
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a client of a killed node reconnects through the balancer, no acked message lost', async () => {
  await using d = await new MqttLbDeployment()
    .withBroker('standin', { nodes: 3 })
    .withBalancer('haproxy', { config: 'lb/haproxy.cfg' })
    .withRuntime('local')
    .withMap('mqtt-1.prod.example:1883', 'node1')
    .start();

  // A publisher through the balancer (reconnecting), and a subscriber straight on another node.
  const sensor = await d.clients.connect({ clientId: 'sensor-1', reconnectPeriod: 200 });
  const before = await d.placement('sensor-1');
  const other = d.nodes.find((n) => n.name !== before)!;
  const dashboard = await d.clients.connectTo(other.name, { clientId: 'dashboard' });
  await d.ledger.track(dashboard, 'sensors/#', 1, { subscribe: true });
  for (let i = 0; i < 5; i++) await d.ledger.publish(sensor, 'sensors/1', 1);

  // Kill the publisher's node: HAProxy marks it DOWN, the client comes back on another node.
  let reconnects = 0;
  sensor.on('connect', () => reconnects++);
  await d.fault(before, 'kill');
  await until('sensor-1 to reconnect', () => reconnects > 0);
  const after = await d.placement('sensor-1');
  expect(after).not.toBe(before);
  await until(`HAProxy to mark ${before} DOWN`, async () =>
    (await d.balancerView()).some((s) => s.node === before && s.status === 'DOWN'),
  );

  for (let i = 0; i < 5; i++) await d.ledger.publish(sensor, 'sensors/1', 1);
  await until('10 deliveries', () => d.ledger.totals()[1].received >= 10);
  expect(d.ledger.totals()[1]).toMatchObject({ acked: 10, lost: 0, duplicated: 0 });
});
// #endregion readme
