/**
 * A test that applies only to some balancer configs (e.g. source affinity only under `balance source`): now
 * `h.test(name, { appliesTo }, fn)`, which checks the run plan's static facts (skip with the reason) and the running
 * deployment's facts ("not applicable" info finding, never a silent pass). Kept for the fairness suite's callers.
 */
import type { BalancerFacts } from '../balancer/facts.js';
import type { SuiteHarness } from '../suite/context.js';

/** Returns why the test does not apply to these facts, or false when it does. */
export type Applicability = (facts: BalancerFacts) => string | false;

/** `staticFacts` is unused: the run plan carries the same static facts. */
export function scenarioTest(
  h: SuiteHarness,
  _staticFacts: BalancerFacts | undefined,
  name: string,
  notApplicable: Applicability,
  fn: () => Promise<void>,
  timeoutMs?: number,
): void {
  h.test(name, { appliesTo: notApplicable, timeoutMs }, fn);
}
