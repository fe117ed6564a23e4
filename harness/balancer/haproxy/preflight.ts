/**
 * Checks a user's haproxy.cfg before anything starts: the address mapping (an unmapped upstream is
 * refused, naming the line) and `haproxy -c` on the mapped config (its message mapped to the user's line).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExplicitMap } from '../address-map.js';
import { mapHaproxyConfig, type MappedHaproxyConfig } from './map-config.js';
import { validateHaproxyConfig } from './binary.js';
import { certificateMapOf } from './local.js';
import { hostMachineLimits } from '../machine-limits.js';
import { requireExternalCheckScripts } from './external-check.js';
import type { BalancerTls } from '../../pki/run-tls.js';

export async function preflightHaproxy(
  configFile: string,
  nodeCount: number,
  explicit: ExplicitMap[],
  tls?: BalancerTls,
): Promise<MappedHaproxyConfig> {
  const nodeNames = Array.from({ length: nodeCount }, (_, i) => `node${i + 1}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-preflight-'));
  try {
    let next = 20000;
    const mapped = await mapHaproxyConfig(readFileSync(configFile, 'utf8'), configFile, {
      nodeNames,
      explicit,
      resolve: (node, port) => ({ host: `127.0.1.${nodeNames.indexOf(node) + 1}`, port }),
      placeBind: async () => ({ host: '127.0.1.10', port: next++ }),
      statsSocket: path.join(dir, 'runtime-api.sock'),
      certificates: certificateMapOf(tls),
      machine: hostMachineLimits(),
    });
    requireExternalCheckScripts(mapped.parsed, configFile);
    const file = path.join(dir, 'haproxy.cfg');
    writeFileSync(file, mapped.text);
    await validateHaproxyConfig(file, configFile);
    return mapped;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
