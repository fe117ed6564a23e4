/** The profile switch between the fleet's two client implementations, and when the engine's cannot be used. */
import { describe, expect, test } from '@jest/globals';
import { ClientPool } from '../clients/mqtt.js';
import { TransportRoute } from '../clients/transport.js';
import { fleetClientKind } from './fleet.js';
import { failoverThresholds } from './thresholds.js';

describe('fleet client switch', () => {
  test('thresholds.failover.client: engine | mqttjs (default engine), anything else refused with its key', () => {
    expect(failoverThresholds(undefined).client).toBe('engine');
    expect(failoverThresholds({ client: 'mqttjs' }).client).toBe('mqttjs');
    expect(() => failoverThresholds({ client: 'paho' })).toThrow(
      /thresholds\.failover\.client must be one of engine, mqttjs, got "paho"/,
    );
  });

  test('the engine client speaks plain TCP: a profile routing clients over WebSocket gets MQTT.js', () => {
    const pool = new ClientPool();
    expect(fleetClientKind(pool, 'engine')).toBe('engine');
    expect(fleetClientKind(pool, undefined)).toBe('engine');
    expect(fleetClientKind(pool, 'mqttjs')).toBe('mqttjs');
    const mqtt = { host: '127.0.0.1', port: 1883 };
    pool.route = new TransportRoute(['tcp'], { mqtt });
    expect(fleetClientKind(pool, 'engine')).toBe('engine');
    pool.route = new TransportRoute(['tcp', 'ws'], { mqtt, ws: { host: '127.0.0.1', port: 8083 } });
    expect(fleetClientKind(pool, 'engine')).toBe('mqttjs');
  });
});
