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
import { dryMapTsProxy } from './ts-proxy/preflight.js';
import { tsProxyFacts } from './ts-proxy/facts.js';
import { endpointsFromBinds } from './balancer.js';
import type { Endpoints } from '../types.js';

/** What a balancer config says, read without starting it: its facts and its frontends (addresses are placeholders). */
export interface StaticBalancer {
  facts: BalancerFacts;
  endpoints: Endpoints;
}

type StaticReader = (profile: Profile) => Promise<StaticBalancer>;

async function haproxyStatic(profile: Profile): Promise<StaticBalancer> {
  const nodeNames = Array.from({ length: profile.broker.nodes }, (_, i) => `node${i + 1}`);
  let port = 20000;
  const mapped = await mapHaproxyConfig(readFileSync(profile.balancerConfigFile, 'utf8'), profile.balancerConfigFile, {
    nodeNames,
    explicit: parseMapEntries(profile.balancer.map),
    resolve: (node, p) => ({ host: `127.0.1.${nodeNames.indexOf(node) + 1}`, port: p }),
    placeBind: async () => ({ host: '127.0.1.10', port: port++ }),
    statsSocket: '/nonexistent/static-facts.sock',
  });
  return {
    facts: haproxyFacts(mapped.parsed, mapped.mapping),
    endpoints: endpointsFromBinds(mapped.binds, mapped.mapping),
  };
}

async function tsProxyStatic(profile: Profile): Promise<StaticBalancer> {
  const { balancerConfigFile: file, broker } = profile;
  const m = await dryMapTsProxy(file, broker.nodes, parseMapEntries(profile.balancer.map));
  return { facts: tsProxyFacts(m.config, m.mapping, file), endpoints: endpointsFromBinds(m.binds, m.mapping) };
}

export const staticReaders: Record<string, StaticReader> = { haproxy: haproxyStatic, 'ts-proxy': tsProxyStatic };

/** The profile's balancer config read statically, or undefined when the kind has no static reader or it fails. */
export async function staticBalancer(profile: Profile): Promise<StaticBalancer | undefined> {
  const read = staticReaders[profile.balancer.kind];
  return read ? read(profile).catch(() => undefined) : undefined;
}

/** The profile's balancer facts, or undefined when the kind has no static reader or the config cannot be read. */
export async function staticBalancerFacts(profile: Profile): Promise<BalancerFacts | undefined> {
  return (await staticBalancer(profile))?.facts;
}
