/**
 * The one test skeleton that runs scenarios (scenario-def.ts): begin → run → finish → record the metrics
 * and findings → fail on the problems. Written once, used by the failover and fairness suites.
 */
import { describe, expect } from '@jest/globals';
import type { BalancerFacts } from '../facts.js';
import type { SuiteHarness } from './context.js';
import { needsOf, type Finishable, type Outcome, type ScenarioDef, type ScenarioFacts } from './scenario-def.js';

export type { Finishable, ScenarioDef } from './scenario-def.js';

/** The part of the suite harness a scenario's run reports to. */
export type ScenarioSink = Pick<SuiteHarness, 'finding' | 'metric'>;

export const NOT_APPLICABLE = 'Not applicable to this config: ';

/**
 * One scenario, the whole skeleton without Jest: the late applicability check, begin, run, finish (always), then
 * the metrics (into `metrics`, published as `scenarios`) and the findings. Returns the problems.
 */
export async function runScenario<C extends Finishable, M>(
  sink: ScenarioSink,
  def: ScenarioDef<C, M>,
  facts: ScenarioFacts,
  begin: (def: ScenarioDef<C, M>) => Promise<C>,
  metrics: Record<string, M>,
): Promise<string[]> {
  const late = def.skip?.(facts);
  if (late) {
    sink.finding({ severity: 'info', title: `${NOT_APPLICABLE}${late}` });
    return [];
  }
  const ctx = await begin(def);
  let outcome: Outcome<M>;
  try {
    outcome = await def.run(ctx);
  } finally {
    await ctx.finish();
  }
  metrics[def.name] = outcome.metrics;
  sink.metric('scenarios', metrics);
  for (const f of outcome.findings) sink.finding(f);
  return outcome.problems;
}

/**
 * Declares a test per scenario, grouped as `{ describe name: scenarios }`; a scenario whose `skip` gives a reason
 * on the static facts is skipped with it. `begin` starts what a run needs and is finished after it.
 */
export function scenarioTests<C extends Finishable, M, D extends ScenarioDef<C, M> = ScenarioDef<C, M>>(
  h: SuiteHarness,
  groups: Record<string, D[]>,
  begin: (def: D) => Promise<C>,
  staticBalancer?: BalancerFacts,
): void {
  const metrics: Record<string, M> = {};
  const before: ScenarioFacts = { profile: h.profile, balancer: staticBalancer ?? h.plan.balancerFacts };
  for (const [group, defs] of Object.entries(groups))
    describe(group, () => {
      for (const def of defs) {
        const body = async (): Promise<void> => {
          const live: ScenarioFacts = { profile: h.profile, balancer: h.deployment.balancerFacts };
          const problems = await runScenario(h, def, live, (d) => begin(d as D), metrics);
          expect(problems).toEqual([]);
        };
        h.testUnless(h.unmet(needsOf(def, before.balancer)) || def.skip?.(before), def.title, body, def.timeoutMs);
      }
    });
}
