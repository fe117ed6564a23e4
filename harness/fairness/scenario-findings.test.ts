import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { loadProfile } from '../profile/load.js';
import { staticBalancerFacts } from '../balancer/static-facts.js';
import { haproxyFactsOfText } from '../../test/helpers/haproxy.js';
import { affinityBroken, rebalanceReport } from './scenario-findings.js';

const cfg = (extra: string): string => `defaults
  mode tcp
frontend mqtt
  bind :1883
  default_backend emqx
backend emqx
  balance source
${extra}
  server emqx1 10.0.0.1:1883 check
  server emqx2 10.0.0.2:1883 check
  server emqx3 10.0.0.3:1883 check
`;
const broken: Array<[string, string[]]> = [['127.0.2.7', ['node1', 'node2']]];

describe('source affinity that moved', () => {
  test('plain `balance source`: an error at the balance line', async () => {
    const facts = await haproxyFactsOfText(cfg(''), 'h.cfg');
    expect(affinityBroken('source address', broken, 250, facts.mqttBackend, 'h.cfg')).toMatchObject({
      severity: 'error',
      line: 7,
    });
  });

  test('`hash-balance-factor` moves some sources by design: info naming its line', async () => {
    const facts = await haproxyFactsOfText(cfg('  hash-type consistent\n  hash-balance-factor 150'), 'h.cfg');
    expect(affinityBroken('source address', broken, 250, facts.mqttBackend, 'h.cfg')).toMatchObject({
      severity: 'info',
      line: 9,
      title: '1 of 250 source addresses moved between reconnects, as `hash-balance-factor 150` allows',
    });
  });
});

describe('rebalance under passive checks', () => {
  test('the recovered node got no new client: the fail_timeout hold-off is named with its line', async () => {
    const facts = (await staticBalancerFacts(
      loadProfile(path.resolve('fixtures/real-world/nginx/good/03-stream-tls-offload.yaml')),
    ))!;
    const r = {
      victim: 'node1',
      afterFailover: { node1: 0, node2: 75, node3: 75 },
      final: { node1: 0, node2: 113, node3: 112 },
      jain: 0.667,
      balancedAfterMs: null,
      observeMs: 3000,
      newClients: 75,
    };
    const f = rebalanceReport(r, facts.mqttBackend, facts.file, 0.98);
    expect(f.detail).toContain('`hash $remote_addr consistent` (line 12) hashes each new client');
    expect(f.detail).toContain('None of the 75 new clients went to node1');
    expect(f.detail).toContain('for 15 s (line 13)');
  });
});
