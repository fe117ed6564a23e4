import { describe, expect, test } from '@jest/globals';
import { haproxyFactsOfText } from '../../test/helpers/haproxy.js';
import { expectedPlacement } from './placement-expectation.js';

const NODES = ['node1', 'node2', 'node3'];
const backend = (balance: string, servers: string[]): string => `defaults
  mode tcp
frontend mqtt
  bind :1883
  default_backend emqx
backend emqx
  balance ${balance}
${servers.map((s, i) => `  server emqx${i + 1} 10.0.0.${i + 1}:1883 check ${s}`).join('\n')}
`;

describe('expected placement', () => {
  test('even roundrobin: every node, a few clients each', async () => {
    const e = expectedPlacement(await haproxyFactsOfText(backend('roundrobin', ['', '', '']), 'h.cfg'), NODES);
    expect(e.nodes).toEqual(NODES);
    expect(e.budget).toBe(9);
  });

  test('one node carrying most of the weight: enough clients for the light ones', async () => {
    const facts = await haproxyFactsOfText(backend('roundrobin', ['weight 80', 'weight 10', 'weight 10']), 'h.cfg');
    const e = expectedPlacement(facts, NODES);
    expect(e.nodes).toEqual(NODES);
    expect(e.budget).toBeGreaterThanOrEqual(10);
    const random = expectedPlacement(
      await haproxyFactsOfText(backend('random', ['weight 80', 'weight 10', 'weight 10']), 'h.cfg'),
      NODES,
    );
    expect(random.budget).toBe(80);
  });

  test('weight 0, backup and DOWN servers are not expected; balance first expects its first server', async () => {
    const facts = await haproxyFactsOfText(backend('leastconn', ['', 'weight 0', 'backup']), 'h.cfg');
    expect(expectedPlacement(facts, NODES).nodes).toEqual(['node1']);
    expect(expectedPlacement(facts, NODES, new Set(['emqx2', 'emqx3'])).nodes).toEqual(['node3']);
    const first = expectedPlacement(
      await haproxyFactsOfText(backend('first', ['maxconn 1000', '', '']), 'h.cfg'),
      NODES,
    );
    expect(first.nodes).toEqual(['node1']);
    expect(first.basis).toContain('balance first');
  });

  test('no facts (external balancer): every node', () => {
    expect(expectedPlacement(undefined, NODES).nodes).toEqual(NODES);
  });
});
