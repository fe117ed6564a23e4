import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { loadProfile } from '../profile/load.js';
import { staticBalancerFacts } from '../balancer/static-facts.js';
import { remediesOf } from '../balancer/kinds.js';
import { classifyUnaccounted, unaccountedCount, unaccountedFinding } from './unaccounted.js';

/** The two flags the classification reads, as mqtt.js sets them on a client. */
const state = (connected: boolean, reconnecting = false): MqttClient => ({ connected, reconnecting }) as MqttClient;

describe('clients no node lists, explained instead of a timeout', () => {
  const clients = new Map([
    ['a1', state(true)],
    ['a2', state(false, true)],
    ['b1', state(false)],
  ]);

  test('each id sorted by its own state; the ones that were on the killed node counted', () => {
    const u = classifyUnaccounted('after the recovery', 225, ['a1', 'a2', 'b1'], clients, 15_000, new Set(['a1']));
    expect(u).toMatchObject({ connected: ['a1'], reconnecting: ['a2'], closed: ['b1'], onVictim: 1 });
    expect(unaccountedCount(u)).toBe(3);
  });

  test('NGINX guide config: a warning naming passive checks, the idle limit and the remedy', async () => {
    const profile = loadProfile(path.resolve('fixtures/profiles/docker-nginx-stream.yaml'));
    const facts = (await staticBalancerFacts(profile))!;
    const u = classifyUnaccounted('after the recovery', 225, ['a1', 'a2'], clients, 15_000, new Set(['a1']));
    const f = unaccountedFinding(u, facts.mqttBackend, facts.file, 'node3', remediesOf('nginx'));
    expect(f.severity).toBe('warning');
    expect(f.title).toBe(
      '2 of 225 clients were listed by no node 15 s after node3 was back: 1 still connected to the balancer (a1), 1 reconnecting (a2); 1 of them had been on node3',
    );
    expect(f.detail).toContain('passive failure counting only');
    expect(f.detail).toContain('max_fails=1 (default)');
    expect(f.detail).toContain('10 min (its default)');
    expect(f.detail).toContain('judged on the 223 clients the nodes list');
    expect(f.remedy).toContain('proxy_timeout');
    expect(f.line).toBe(facts.mqttBackend.servers.find((s) => s.node === 'node3')?.line);
  });
});
