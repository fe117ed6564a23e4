/**
 * An nginx.conf read without starting anything (for ../static-facts.ts): mapped with placeholder addresses, so a
 * suite can decide at collection time which of its tests apply. Addresses in the result are placeholders.
 */
import { readFileSync } from 'node:fs';
import { parseMapEntries } from '../address-map.js';
import { mapNginxConfig } from './map-config.js';
import { nginxFacts, type NginxFacts } from './facts.js';
import { nginxEndpoints, type NginxEndpoints } from './endpoints.js';

export interface StaticNginx {
  facts: NginxFacts;
  endpoints: NginxEndpoints;
}

/** Facts and endpoints of `file` for a cluster of `nodes` nodes and the profile's `--map` entries. */
export async function staticNginx(file: string, nodes: number, map: string[] = []): Promise<StaticNginx> {
  const nodeNames = Array.from({ length: nodes }, (_, i) => `node${i + 1}`);
  let port = 20000;
  const mapped = await mapNginxConfig(readFileSync(file, 'utf8'), file, {
    nodeNames,
    explicit: parseMapEntries(map),
    resolve: (node, p) => ({ host: `127.0.1.${nodeNames.indexOf(node) + 1}`, port: p }),
    placeBind: async () => ({ host: '127.0.1.10', port: port++ }),
    runDir: '/nonexistent/static-facts',
  });
  return { facts: nginxFacts(mapped), endpoints: nginxEndpoints(mapped.listens, mapped.mapping, undefined, file) };
}
