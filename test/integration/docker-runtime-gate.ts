/**
 * What the docker-runtime test files share: the skip reason (no engine answers, images missing) and the probe for
 * what a run leaves behind on the engine.
 */
import { describe } from '@jest/globals';
import '../../harness/docker/env.js';
import path from 'node:path';
import { RUN_LABEL, docker, dockerAvailable, missingImages } from '../../harness/docker/engine.js';
import { BUILD_IMAGES_HINT, IMAGES } from '../../harness/docker/images.js';
import { ROOT } from './cli-helpers.js';

export const PROFILE = path.join(ROOT, 'fixtures/profiles/docker-haproxy-roundrobin.yaml');
const engine = await dockerAvailable(1500);
const missing = engine.ok ? await missingImages([IMAGES.redis, IMAGES.haproxy, IMAGES.standin, IMAGES.node]) : [];
export const skipReason = !engine.ok
  ? `no Docker engine answers (${engine.reason}); start one: bash scripts/docker/start-dockerd.sh`
  : missing.length
    ? `images missing: ${missing.join(', ')}; run ${BUILD_IMAGES_HINT}`
    : '';
if (skipReason) console.warn(`[docker-runtime] SKIPPED: ${skipReason}`);
export const suite: typeof describe.skip = skipReason ? describe.skip : describe;
export const title = (what: string): string => (skipReason ? `${what} (skipped: ${skipReason})` : what);

export async function labelled(runId: string): Promise<{ containers: number; networks: number }> {
  const filters = { label: [`${RUN_LABEL}=${runId}`] };
  const [c, n] = await Promise.all([
    docker().listContainers({ all: true, filters }),
    docker().listNetworks({ filters }),
  ]);
  return { containers: c.length, networks: n.length };
}
