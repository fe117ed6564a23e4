/**
 * The harness API for suites: one deployment per suite file (started in beforeAll, stopped in
 * afterAll, so a fault-injecting suite never shares a deployment), an MQTT client pool, findings,
 * metrics, and tests skipped with a reason when the backend lacks a capability.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Capabilities, Deployment } from '../types.js';
import type { Finding } from '../report/summary-types.js';
import { loadProfile } from '../profile/load.js';
import type { Profile } from '../profile/schema.js';
import { startDeployment } from '../deployment.js';
import { capabilitiesOf } from '../brokers/capabilities.js';
import { ClientPool } from '../clients/mqtt.js';
import { protocolDiagnostics } from '../clients/protocol-diagnostics.js';
import { SuiteRecorder } from './records.js';
import { summarizeDeployment } from './deployment-summary.js';
import { projectRoot } from '../util/project-root.js';
import { NoServerUpError } from '../balancer/startup-checks.js';
import { stopRun, throwIfRunStopped } from './run-stop.js';

export const DEFAULT_PROFILE = 'fixtures/profiles/haproxy-roundrobin.yaml';

export function currentProfile(): Profile {
  const file = process.env.MQTT_LB_PROFILE ?? path.join(projectRoot(), DEFAULT_PROFILE);
  return loadProfile(file, { runtime: process.env.MQTT_LB_RUNTIME });
}

export interface SuiteHarness {
  readonly profile: Profile;
  readonly capabilities: Capabilities;
  readonly deployment: Deployment;
  readonly pool: ClientPool;
  readonly recorder: SuiteRecorder;
  /** Errors of the deployment's startup (e.g. a server the balancer never reported UP); also in every suite's report. */
  readonly startupFindings: readonly Finding[];
  /** Attaches a finding to the running test. */
  finding(f: Finding): void;
  metric(key: string, value: unknown): void;
  /** `test`, or `test.skip` with the reason recorded for the report when `skipReason` is a string. */
  testUnless(skipReason: string | false | undefined, name: string, fn: () => Promise<void>, timeoutMs?: number): void;
  /** Suite-specific thresholds from the profile (`thresholds.<suite>`), with defaults. */
  threshold<T>(key: string, fallback: T): T;
}

export function useDeployment(suite: string): SuiteHarness {
  const profile = currentProfile();
  const capabilities = capabilitiesOf(profile.broker.kind);
  const recorder = new SuiteRecorder(suite, profile.name);
  const pool = new ClientPool();
  let deployment: Deployment | undefined;
  const testName = (): string => expect.getState().currentTestName ?? '(suite)';

  beforeAll(async () => {
    try {
      throwIfRunStopped();
      deployment = await startDeployment(profile);
      pool.diagnostics = protocolDiagnostics(
        deployment,
        profile.broker.trust_proxy,
        (f) => recorder.addFinding(testName(), f),
        testName,
      );
      recorder.record.deployment = summarizeDeployment(deployment);
      recorder.flush();
    } catch (err) {
      if (err instanceof NoServerUpError) stopRun(err);
      recorder.record.error = (err as Error).message;
      recorder.flush();
      throw err;
    }
  }, 120_000);

  afterAll(async () => {
    await pool.closeAll();
    await deployment?.stop();
  }, 60_000);

  return {
    profile,
    capabilities,
    pool,
    recorder,
    get startupFindings(): readonly Finding[] {
      return deployment?.startupFindings ?? [];
    },
    get deployment(): Deployment {
      if (!deployment)
        throw new Error('the deployment is not running (its startup failed: see the first error of this suite)');
      return deployment;
    },
    finding(f) {
      recorder.addFinding(testName(), f);
    },
    metric(key, value) {
      recorder.metric(key, value);
    },
    testUnless(skipReason, name, fn, timeoutMs) {
      if (typeof skipReason === 'string' && skipReason) {
        recorder.skip(name, skipReason);
        test.skip(name, fn);
      } else test(name, fn, timeoutMs);
    },
    threshold<T>(key: string, fallback: T): T {
      const v = profile.thresholds[suite]?.[key];
      return v === undefined ? fallback : (v as T);
    },
  };
}
