/**
 * The waits on an MQTT.js client's broker — SUBACK, PUBACK/PUBCOMP, CONNACK — each bounded, so a test that meets a
 * silent broker fails with the client's state instead of ending by Jest's timeout.
 */
import type { IConnackPacket, MqttClient } from 'mqtt';
import { TimeoutError, withTimeout } from '../util/wait.js';

/** How long a SUBACK, PUBACK/PUBCOMP or CONNACK may take before the wait fails, naming the client's state. */
const ACK_MS = 10_000;

/** Bounds a wait on `client`'s broker (SUBACK, PUBACK, CONNACK): the deadline's error names the client's state. */
function untilAck<T>(client: MqttClient, p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return withTimeout(p, timeoutMs, what).catch((err: unknown) => {
    if (!(err instanceof TimeoutError)) throw err;
    const state = client.connected ? 'connected' : client.reconnecting ? 'reconnecting' : 'not connected';
    throw new TimeoutError(`${what} (client ${client.options.clientId ?? '?'}, ${state})`, timeoutMs);
  });
}

/** SUBSCRIBE → SUBACK (refused: rejects), within `timeoutMs`. */
export function subscribe(client: MqttClient, topic: string, qos: 0 | 1 | 2, timeoutMs = ACK_MS): Promise<void> {
  const acked = new Promise<void>((resolve, reject) => {
    client.subscribe(topic, { qos }, (err, granted) => {
      if (err) reject(err);
      else if (granted?.some((g) => g.qos === 128)) reject(new Error(`subscription to ${topic} refused`));
      else resolve();
    });
  });
  return untilAck(client, acked, timeoutMs, `the SUBACK for ${topic}`);
}

/** PUBLISH, resolved when written (QoS 0) or acknowledged (PUBACK / PUBCOMP), within `timeoutMs`. */
export function publish(
  client: MqttClient,
  topic: string,
  payload: string | Buffer,
  opts: { qos: 0 | 1 | 2; retain?: boolean; timeoutMs?: number },
): Promise<void> {
  const acked = new Promise<void>((resolve, reject) => {
    client.publish(topic, payload, { qos: opts.qos, retain: opts.retain ?? false }, (err) =>
      err ? reject(err) : resolve(),
    );
  });
  return untilAck(client, acked, opts.timeoutMs ?? ACK_MS, `the QoS ${opts.qos} publish to ${topic} to complete`);
}

/** The next CONNACK of `client` (MQTT.js' 'connect'); rejects at an error, at a close it will not retry, or at the
 *  deadline. */
export function nextConnack(client: MqttClient, timeoutMs = ACK_MS): Promise<IConnackPacket> {
  const connack = new Promise<IConnackPacket>((resolve, reject) => {
    const settle = (): void => {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
    };
    const onConnect = (packet: IConnackPacket): void => {
      settle();
      resolve(packet);
    };
    const onError = (err: Error): void => {
      settle();
      reject(err);
    };
    const onClose = (): void => {
      if (client.options.reconnectPeriod) return; // MQTT.js retries: wait for CONNACK or the deadline
      settle();
      reject(new Error(`the connection of client ${client.options.clientId ?? '?'} closed before CONNACK`));
    };
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
  });
  return untilAck(client, connack, timeoutMs, 'a CONNACK');
}
