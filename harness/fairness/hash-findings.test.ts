import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { haproxyFactsOfText } from '../../test/helpers/haproxy.js';
import { loadProfile } from '../profile/load.js';
import { staticBalancerFacts } from '../balancer/static-facts.js';
import type { BalancerFacts } from '../facts.js';
import { expectedShares } from './expected.js';
import { evaluate, DEFAULT_CRITERIA } from './evaluate.js';
import { distinctKeys, hashServerEmpty, hashSpreadReported } from './hash-findings.js';

async function nginxFacts(entry: string): Promise<BalancerFacts> {
  const facts = await staticBalancerFacts(loadProfile(path.resolve('fixtures/real-world/nginx', entry)));
  if (!facts) throw new Error(`no facts for ${entry}`);
  return facts;
}

const haproxy = (balance: string): string => `defaults
  mode tcp
frontend mqtt
  bind :1883
  default_backend emqx
backend emqx
  balance ${balance}
  server emqx1 10.0.0.1:1883 check weight 2
  server emqx2 10.0.0.2:1883 check
  server emqx3 10.0.0.3:1883 check
`;

describe('hash placement is reported against the weights, not judged by them (one rule for every kind)', () => {
  test('NGINX `hash $remote_addr consistent` and HAProxy `balance source` are hashed; round robin is not', async () => {
    const nginx = await nginxFacts('good/03-stream-tls-offload.yaml');
    expect(expectedShares(nginx.mqttBackend, []).hashed).toBe(true);
    const source = await haproxyFactsOfText(haproxy('source'), 'h.cfg');
    expect(expectedShares(source.mqttBackend, []).hashed).toBe(true);
    const rr = await haproxyFactsOfText(haproxy('roundrobin'), 'h.cfg');
    expect(expectedShares(rr.mqttBackend, []).hashed).toBe(false);
  });

  test('good/03 (weights 2:1:1, consistent hash): the spread that missed Jain 0.98 is an info at the hash line', async () => {
    const facts = await nginxFacts('good/03-stream-tls-offload.yaml');
    const exp = expectedShares(facts.mqttBackend, []);
    const counts = { node1: 171, node2: 70, node3: 59 };
    const ev = evaluate({
      algorithm: 'source',
      counts,
      shares: exp.shares,
      criteria: DEFAULT_CRITERIA,
      reportOnly: true,
    });
    expect(ev.stats.jain).toBeLessThan(0.98);
    const f = hashSpreadReported(facts.mqttBackend, exp, ev, 250);
    expect(f).toMatchObject({ severity: 'info', line: 12 });
    expect(f.title).toContain('`hash $remote_addr consistent` (line 12) places by a hash of a key');
    expect(hashServerEmpty(facts.file, facts.mqttBackend, exp, counts, 250)).toBeUndefined();
  });

  test('a weighted server that got none of many keys is an error at its server line; few keys prove nothing', async () => {
    const facts = await nginxFacts('good/03-stream-tls-offload.yaml');
    const exp = expectedShares(facts.mqttBackend, []);
    const counts = { node1: 200, node2: 100, node3: 0 };
    expect(hashServerEmpty(facts.file, facts.mqttBackend, exp, counts, 250)).toMatchObject({
      severity: 'error',
      line: 15,
    });
    expect(hashServerEmpty(facts.file, facts.mqttBackend, exp, counts, 10)).toBeUndefined();
  });

  test('distinct keys: source addresses under `source`, one per client otherwise', () => {
    expect(distinctKeys('source', 300, 250)).toBe(250);
    expect(distinctKeys('source', 300, 1)).toBe(1);
    expect(distinctKeys('clientid', 300, 1)).toBe(300);
  });
});
