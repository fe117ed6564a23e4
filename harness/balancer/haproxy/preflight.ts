/**
 * Checks a user's haproxy.cfg before anything starts: the address mapping (an unmapped upstream is
 * refused, naming the line) and `haproxy -c` on the mapped config (its message mapped to the user's line).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExplicitMap } from '../address-map.js';
import type { MappedHaproxyConfig } from './map-config.js';
import { validateHaproxyConfig } from './binary.js';
import { mapHaproxyAt } from './placed-map.js';
import { dryPlacement } from '../dry-placement.js';
import { hostMachineLimits } from '../machine-limits.js';
import { requireExternalCheckScripts } from './external-check.js';
import type { BalancerTls } from '../../pki/run-tls.js';

export async function preflightHaproxy(
  configFile: string,
  nodeCount: number,
  explicit: ExplicitMap[],
  tls?: BalancerTls,
): Promise<MappedHaproxyConfig> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-preflight-'));
  try {
    const at = dryPlacement(nodeCount, explicit, {
      socketDir: dir,
      ...(tls ? { tls } : {}),
      machine: hostMachineLimits(),
    });
    const mapped = await mapHaproxyAt(readFileSync(configFile, 'utf8'), configFile, at);
    requireExternalCheckScripts(mapped.parsed, configFile);
    const file = path.join(dir, 'haproxy.cfg');
    writeFileSync(file, mapped.text);
    await validateHaproxyConfig(file, configFile);
    return mapped;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
