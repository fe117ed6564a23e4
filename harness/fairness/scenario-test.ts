/**
 * A test that applies only to some balancer configs (e.g. source affinity only under `balance source`).
 * When the config is known before the deployment starts (static facts), a test that does not apply is
 * skipped with the reason; otherwise the test decides from the running deployment's facts and records
 * "not applicable" as an info finding — never a silent pass.
 */
import type { BalancerFacts } from '../facts.js';
import type { SuiteHarness } from '../suite/context.js';

/** Returns why the test does not apply to these facts, or false when it does. */
export type Applicability = (facts: BalancerFacts) => string | false;

export function scenarioTest(
  h: SuiteHarness,
  staticFacts: BalancerFacts | undefined,
  name: string,
  notApplicable: Applicability,
  fn: () => Promise<void>,
  timeoutMs?: number,
): void {
  const reason = staticFacts ? notApplicable(staticFacts) : false;
  const body = async (): Promise<void> => {
    const late = notApplicable(h.deployment.balancerFacts);
    if (late) {
      h.finding({ severity: 'info', title: `Not applicable to this config: ${late}` });
      return;
    }
    await fn();
  };
  h.testUnless(reason, name, body, timeoutMs);
}
