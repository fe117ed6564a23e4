/**
 * The harness API for custom suites: a Jest test file (`my-flows.test.ts`) run by `mqtt-lb run --suite <file>` or
 * listed in a profile's `suites:`, imported as `mqtt-lb-harness` (relatively inside this repository). Its tests,
 * findings and metrics go into the report like a built-in suite's, under the file's name without `.test.ts`.
 * Jest only: the module reads the run plan and registers the deployment's beforeAll/afterAll when it loads.
 */
import { expect } from '@jest/globals';
import type { Finding } from '../finding.js';
import { suiteEntryName } from '../profile/suite-entries.js';
import { useCustomDeployment, type SuiteHarnessCore } from './context.js';

export type { Finding } from '../finding.js';
export type { Deployment, Endpoints, HostPort, NodeName } from '../types.js';
export type { Need } from '../needs.js';
export type { TestOptions } from './context.js';
export { Inbox, publish, subscribe } from '../clients/mqtt.js';
export { waitFor } from '../util/wait.js';

/** The harness of a custom suite: the deployment, the client pool, tests with needs, findings and metrics. */
export type CustomSuite = SuiteHarnessCore;

let current: CustomSuite | undefined;

function currentSuite(what: string): CustomSuite {
  if (!current) throw new Error(`${what} needs the suite's deployment: call useDeployment() at the top of the file`);
  return current;
}

/**
 * The profile's deployment for this suite file: started before its first test, stopped after its last (one per file,
 * as for every built-in suite). Call it once, at the top of the file.
 */
export function useDeployment(): CustomSuite {
  if (current) return current;
  const file = expect.getState().testPath;
  if (!file) throw new Error('useDeployment() is for a suite file that `mqtt-lb run` runs (through Jest)');
  current = useCustomDeployment(suiteEntryName(file));
  return current;
}

/** Attaches a finding to the running test (an 'error' finding does not fail the test by itself: expect or throw). */
export function finding(f: Finding): void {
  currentSuite('finding()').finding(f);
}

/** Sets metrics.<suite>.<key> in summary.json (shown in the report's metrics section). */
export function metric(key: string, value: unknown): void {
  currentSuite('metric()').metric(key, value);
}
