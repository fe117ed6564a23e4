/**
 * The MQTT.js implementation of a fleet client (harness/failover/fleet-client.ts): an auto-reconnecting MqttClient
 * from the suite's client pool (so a profile's WebSocket transport and the connect-phase metric apply), its events
 * recorded by ClientEvents.watch.
 */
import type { MqttClient } from 'mqtt';
import { subscribe, type ClientPool } from '../clients/mqtt.js';
import type { HostPort } from '../types.js';
import type { FleetClient, FleetClientSpec, FleetQos, MessageHandler } from './fleet-client.js';

export class MqttJsFleetClient implements FleetClient {
  readonly kind = 'mqttjs';

  constructor(readonly client: MqttClient) {}

  static create(pool: ClientPool, target: HostPort, { options: o, events }: FleetClientSpec): MqttJsFleetClient {
    const client = pool.create(target, {
      clientId: o.clientId,
      localAddress: o.localAddress,
      clean: o.clean,
      keepalive: o.keepaliveS,
      reconnectPeriod: o.reconnectPeriodMs,
      connectTimeout: o.connectTimeoutMs,
      ...(o.will ? { will: o.will } : {}),
    });
    events.watch(client);
    return new MqttJsFleetClient(client);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  describe(): string {
    return this.client.connected ? 'connected' : this.client.reconnecting ? 'reconnecting' : 'disconnected';
  }

  subscribe(filter: string, qos: FleetQos): Promise<void> {
    return subscribe(this.client, filter, qos);
  }

  publish(topic: string, payload: Buffer | string, qos: FleetQos, done?: (err?: Error) => void): void {
    this.client.publish(topic, payload, { qos }, (err) => done?.(err));
  }

  onMessage(h: MessageHandler): void {
    this.client.on('message', h);
  }

  offMessage(h: MessageHandler): void {
    this.client.off('message', h);
  }

  end(): Promise<void> {
    return new Promise((r) => this.client.end(true, {}, () => r()));
  }
}
