/**
 * Our own flows as a suite of the nightly run: `mqtt-lb run --profile lb/profile.yaml --suite ./test/my-flows.test.ts`
 * runs this file inside the run's deployment and reports it beside pubsub, failover and fairness. (Not part of
 * `npm test`: jest.config.mjs leaves it to the run.)
 */
import { expect } from '@jest/globals';
import { useDeployment } from 'mqtt-lb-harness/suite';

const h = useDeployment();

/** Resolves with the first message `client` gets, or rejects after `ms`. */
function firstMessage(
  client: { once(event: 'message', cb: (topic: string, payload: Buffer) => void): unknown },
  ms = 10_000,
) {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms);
    client.once('message', (_topic, payload) => {
      clearTimeout(timer);
      resolve(payload.toString());
    });
  });
}

h.test('a retained config message reaches a device through the balancer', {}, async () => {
  const mqtt = h.deployment.endpoints.mqtt;
  const ops = await h.pool.connect(mqtt, { clientId: 'ops-console' });
  await ops.publishAsync('devices/42/config', 'v2', { qos: 1, retain: true });
  const device = await h.pool.connect(mqtt, { clientId: 'device-42' });
  const got = firstMessage(device);
  await device.subscribeAsync('devices/42/config', { qos: 1 });
  expect(await got).toBe('v2');
});
