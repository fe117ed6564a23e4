/**
 * The docker runtime's suites through the CLI, as a user runs them (docker-runtime.test.ts): a profile's suites
 * pass and the run leaves none of its containers or networks behind; and when the TS-proxy container pass runs.
 */
import { expect } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { missingImages } from '../../harness/docker/engine.js';
import { BUILD_IMAGES_HINT, IMAGES } from '../../harness/docker/images.js';
import { ROOT, logFailedTests, runCli } from './cli-helpers.js';
import type { TestResult } from '../../harness/report/summary-types.js';
import { NIGHTLY, NIGHTLY_REASON } from '../helpers/tier.js';
import { labelled, skipReason } from './docker-runtime-gate.js';

/**
 * Why the docker failover pass is nightly: in 2 of about 8 full runs (CI and a fresh clone) its first scenarios could
 * not route the stream's probes between the containers within 8 s (cause not found; every such wait now ends with
 * its own cause, and the start checks routing between every pair of nodes). On 2026-12-07, with the load engine's
 * fleet, a nightly run through the TS-proxy container showed it as 2–3 of 6 stream subscribers without a SUBACK
 * in 8 s (load 4–9; two repeats passed); a failed subscribe now names the subscribers' nodes. The docker fault verbs
 * stay in the quick tier (docker-runtime.test.ts: kill → DOWN → restart → UP through HAProxy's view).
 */
export const DOCKER_FAILOVER_NIGHTLY =
  'nightly tier: npm run test:nightly — an intermittent stream-routing failure on docker is under investigation';

/** Runs a profile's suites through the CLI and checks the docker deployment and every suite passed. */
export async function runSuitesViaCli(
  profile: string,
  balancerImage: RegExp,
  wanted = ['pubsub', 'failover', 'fairness'],
): Promise<void> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'mlb-docker-suites-'));
  const suites = wanted.filter((s) => existsSync(path.join(ROOT, 'suites', `${s}.test.ts`)));
  const r = await runCli(['run', '--profile', profile, '--suites', suites.join(','), '--out', out], {
    timeoutMs: 600_000,
  });
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
    run: { id: string };
    deployment: { runtime: string; startup_ms: number; balancer: { version: string } };
    suites: Record<string, { passed: number; failed: number; skipped: number; tests?: TestResult[] }>;
  };
  for (const s of Object.values(summary.suites)) logFailedTests(profile, s.tests ?? []);
  if (r.code !== 0)
    process.stderr.write(
      `[docker-runtime] mqtt-lb run exited ${r.code}; its log ends:\n${(r.stdout + r.stderr).slice(-4000)}\n`,
    );
  console.log(
    `[docker-runtime] ${path.basename(profile)} ${suites.join(', ')}: ${JSON.stringify(summary.suites, (k, v) => (k === 'tests' ? undefined : v))}; startup ${summary.deployment.startup_ms} ms`,
  );
  expect(summary.deployment.runtime).toBe('docker');
  expect(summary.deployment.balancer.version).toMatch(balancerImage);
  for (const s of suites) {
    expect({ suite: s, failed: summary.suites[s]?.failed }).toEqual({ suite: s, failed: 0 });
    expect(summary.suites[s]!.passed).toBeGreaterThan(0);
  }
  expect(r.code).toBe(0);
  // this run's own containers and networks: another docker file (docker-runtime.test.ts: Ctrl-C) may be mid-cleanup
  expect(await labelled(summary.run.id)).toEqual({ containers: 0, networks: 0 });
}

export const TS_PROXY_PROFILE = path.join(ROOT, 'fixtures/profiles/docker-ts-proxy-roundrobin.yaml');
export const tsProxySkip =
  skipReason ||
  // The HAProxy container pass above proves the docker runtime in the quick tier; the same suites through the
  // TS-proxy container repeat it with another kind (its container mapping is unit-tested beside the placement).
  (NIGHTLY ? '' : NIGHTLY_REASON) ||
  (!existsSync(TS_PROXY_PROFILE) ? `${path.relative(ROOT, TS_PROXY_PROFILE)} does not exist yet` : '') ||
  ((await missingImages([IMAGES.tsProxy])).length ? `${IMAGES.tsProxy} missing; run ${BUILD_IMAGES_HINT}` : '');
if (!skipReason && tsProxySkip) console.warn(`[docker-runtime] TS-proxy container SKIPPED: ${tsProxySkip}`);
