/**
 * BalancerFacts from a profile without starting anything, so a suite can decide at collection time
 * which of its tests apply (and skip the others with the reason). Undefined for a balancer kind that
 * has no static reader yet; suites then decide inside the test, from `deployment.balancerFacts`.
 */
import { readFileSync } from 'node:fs';
import type { Profile } from '../profile/schema.js';
import { parseMapEntries } from './address-map.js';
import type { BalancerFacts } from '../facts.js';
import { haproxyFacts } from './haproxy/facts.js';
import { mapHaproxyConfig } from './haproxy/map-config.js';
import { tsProxyStaticFacts } from './ts-proxy/preflight.js';

type StaticFactsReader = (profile: Profile) => Promise<BalancerFacts>;

async function haproxyStaticFacts(profile: Profile): Promise<BalancerFacts> {
  const nodeNames = Array.from({ length: profile.broker.nodes }, (_, i) => `node${i + 1}`);
  let port = 20000;
  const mapped = await mapHaproxyConfig(readFileSync(profile.balancerConfigFile, 'utf8'), profile.balancerConfigFile, {
    nodeNames,
    explicit: parseMapEntries(profile.balancer.map),
    resolve: (node, p) => ({ host: `127.0.1.${nodeNames.indexOf(node) + 1}`, port: p }),
    placeBind: async () => ({ host: '127.0.1.10', port: port++ }),
    statsSocket: '/nonexistent/static-facts.sock',
  });
  return haproxyFacts(mapped.parsed, mapped.mapping);
}

export const staticFactsReaders: Record<string, StaticFactsReader> = {
  haproxy: haproxyStaticFacts,
  'ts-proxy': (profile) =>
    tsProxyStaticFacts(profile.balancerConfigFile, profile.broker.nodes, parseMapEntries(profile.balancer.map)),
};

/** The profile's balancer facts, or undefined when the kind has no static reader or the config cannot be read. */
export async function staticBalancerFacts(profile: Profile): Promise<BalancerFacts | undefined> {
  const read = staticFactsReaders[profile.balancer.kind];
  // preflight has already reported an unreadable config with its line; here no facts means "not judged"
  return read ? read(profile).catch(() => undefined) : undefined;
}
