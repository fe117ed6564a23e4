/** Checks a TS-proxy config before anything starts: schema (errors name the line) and the address mapping. */
import { readFileSync } from 'node:fs';
import type { ExplicitMap } from '../address-map.js';
import type { BalancerFacts } from '../../facts.js';
import { mapTsProxyConfig, type MappedTsProxyConfig } from './map-config.js';
import { tsProxyFacts } from './facts.js';

export async function dryMapTsProxy(
  configFile: string,
  nodeCount: number,
  explicit: ExplicitMap[],
): Promise<MappedTsProxyConfig> {
  const nodeNames = Array.from({ length: nodeCount }, (_, i) => `node${i + 1}`);
  let port = 20000;
  return mapTsProxyConfig(readFileSync(configFile, 'utf8'), configFile, {
    nodeNames,
    explicit,
    resolve: (node, p) => ({ host: `127.0.1.${nodeNames.indexOf(node) + 1}`, port: p }),
    placeBind: async () => ({ host: '127.0.1.10', port: port++ }),
    placeAdmin: async () => ({ host: '127.0.1.10', port: port++ }),
  });
}

export async function preflightTsProxy(
  configFile: string,
  nodeCount: number,
  explicit: ExplicitMap[],
): Promise<MappedTsProxyConfig> {
  return dryMapTsProxy(configFile, nodeCount, explicit);
}

export async function tsProxyStaticFacts(
  configFile: string,
  nodeCount: number,
  explicit: ExplicitMap[],
): Promise<BalancerFacts> {
  const m = await dryMapTsProxy(configFile, nodeCount, explicit);
  return tsProxyFacts(m.config, m.mapping, configFile);
}
