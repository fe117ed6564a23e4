/**
 * For the unit tests that map and read a haproxy.cfg the way a run does, without starting anything:
 * the mapping options of a three-node run on 127.0.9.x, and the facts a run derives.
 */
import { mapHaproxyConfig, type MapOptions } from '../../harness/balancer/haproxy/map-config.js';
import { parseHaproxyCfg } from '../../harness/balancer/haproxy/parse.js';
import { haproxyFacts } from '../../harness/balancer/haproxy/facts.js';
import type { BalancerFacts } from '../../harness/facts.js';
import { fixture } from './files.js';

/** node<i> at 127.0.9.<i> on the written port; binds placed on 127.0.9.10 from port 30000 up, in bind order. */
export function mapOptions(extra: Partial<MapOptions> = {}): MapOptions {
  let port = 30000;
  return {
    nodeNames: ['node1', 'node2', 'node3'],
    explicit: [],
    resolve: (node, p) => ({ host: `127.0.9.${node.slice(4)}`, port: p }),
    placeBind: async () => ({ host: '127.0.9.10', port: port++ }),
    statsSocket: '/tmp/x.sock',
    ...extra,
  };
}

/** BalancerFacts of a config text, mapped with mapOptions() like a run maps it. */
export async function haproxyFactsOfText(text: string, file: string): Promise<BalancerFacts> {
  const mapped = await mapHaproxyConfig(text, file, mapOptions());
  return haproxyFacts(parseHaproxyCfg(text, file), mapped.mapping);
}

/** BalancerFacts of a haproxy.cfg below fixtures/. */
export function haproxyFactsOf(rel: string): Promise<BalancerFacts> {
  const { text, file } = fixture(rel);
  return haproxyFactsOfText(text, file);
}
