/**
 * The one test skeleton that runs scenarios (scenario-def.ts): begin → run → finish → record the metrics
 * and findings → fail on the problems. Written once, used by the failover and fairness suites.
 */
import { describe, expect } from '@jest/globals';
import type { BalancerFacts } from '../facts.js';
import type { Finding } from '../finding.js';
import type { SuiteHarness } from './context.js';
import { needsOf, type Finishable, type Outcome, type ScenarioDef, type ScenarioFacts } from './scenario-def.js';
import { StageLog } from './stage.js';
import { withTimeout } from '../util/wait.js';
import { logFailure } from '../util/best-effort.js';

export type { Finishable, ScenarioDef } from './scenario-def.js';

/** The part of the suite harness a scenario's run reports to: findings, and `metrics.<suite>.scenarios`. */
export interface ScenarioSink<M = unknown> {
  finding(f: Finding): void;
  metric(key: 'scenarios', value: Record<string, M>): void;
}

/** The suite harness of a scenario suite (failover, fairness): its metrics hold scenarios of shape M. */
export type ScenarioHarness<M> = Omit<SuiteHarness, 'metric' | 'recorder' | 'thresholds'> & ScenarioSink<M>;

export const NOT_APPLICABLE = 'Not applicable to this config: ';

/** Jest's test timeout (jest.config.ts) for a scenario that states none. */
export const DEFAULT_TEST_TIMEOUT_MS = 120_000;
/** Kept free below the test's timeout: finishing (undoing faults, closing clients) and recording the result. */
export const FINISH_MARGIN_MS = 20_000;
export const FINISH_BOUND_MS = 15_000;

/**
 * A scenario's bounds on a backend whose nodes take `bootMs` to restart (capabilities.bootMs): finishing may
 * wait for a restart (undoing a kill or stop), and so may begin (the previous scenario's restart still booting). The
 * test's timeout grows by both, so the scenario still ends by its own watchdog, never by Jest's timeout.
 */
export function scenarioBounds(
  timeoutMs = DEFAULT_TEST_TIMEOUT_MS,
  bootMs = 0,
): { testMs: number; budgetMs: number; finishMs: number } {
  const testMs = timeoutMs + 2 * bootMs;
  return { testMs, budgetMs: testMs - FINISH_MARGIN_MS - bootMs, finishMs: FINISH_BOUND_MS + bootMs };
}

/** A begin that may report its stages (what it waits for) to the watchdog's message. */
export type ScenarioBegin<C, M> = (def: ScenarioDef<C, M>, stage: StageLog) => Promise<C>;

/**
 * One scenario, the whole skeleton without Jest: the late applicability check, begin, run, finish (always), then
 * the metrics (into `metrics`, published as `scenarios`) and the findings. Returns the problems.
 *
 * Begin and run together are bounded by `budgetMs` (the test's timeout less FINISH_MARGIN_MS): a scenario that
 * overruns it fails with the stage it was stuck in and what it had seen — never by Jest's timeout — and is still
 * finished (a begin that completes after the budget is finished when it does).
 */
export async function runScenario<C extends Finishable, M>(
  sink: ScenarioSink<M>,
  def: ScenarioDef<C, M>,
  facts: ScenarioFacts,
  begin: ScenarioBegin<C, M>,
  metrics: Record<string, M>,
  budgetMs = (def.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS) - FINISH_MARGIN_MS,
  finishMs = FINISH_BOUND_MS,
): Promise<string[]> {
  const late = def.skip?.(facts);
  if (late) {
    sink.finding({ severity: 'info', title: `${NOT_APPLICABLE}${late}` });
    return [];
  }
  const stage = new StageLog();
  let ctx: C | undefined;
  const begun = begin(def, stage).then((c) => (ctx = c));
  const work = begun.then((c) => {
    stage.set('run');
    return def.run(c);
  });
  let outcome: Outcome<M>;
  const overran = new OverBudget();
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(overran), budgetMs)));
  try {
    outcome = await Promise.race([work, watchdog]);
  } catch (err) {
    // Only the watchdog's own rejection means "over budget": a TimeoutError of a wait inside the scenario is its cause.
    if (err !== overran) throw err;
    // The overrun work goes on in the background until finish cuts it off; its later rejection is expected.
    work.catch(logFailure(`scenario ${def.name} after its budget`, 'it overran and was finished'));
    const seen = ctx?.progress?.();
    throw new Error(
      `scenario ${def.name} did not finish within its ${Math.round(budgetMs / 1000)} s budget: stuck in ${stage.describe()}` +
        (seen ? `; seen so far: ${seen}` : ''),
    );
  } finally {
    clearTimeout(timer);
    if (ctx) await finishBounded(def.name, ctx, finishMs);
    else
      void begun.then(
        (c) => finishBounded(def.name, c, finishMs),
        () => undefined,
      );
  }
  metrics[def.name] = outcome.metrics;
  sink.metric('scenarios', metrics);
  for (const f of outcome.findings) sink.finding(f);
  return outcome.problems;
}

/** The watchdog's rejection, told apart from any error of the scenario itself. */
class OverBudget extends Error {}

async function finishBounded(name: string, ctx: Finishable, boundMs: number): Promise<void> {
  await withTimeout(ctx.finish(), boundMs, `scenario ${name} to finish`).catch(
    logFailure(`finishing scenario ${name}`, 'the suite stops the deployment after its last test'),
  );
}

/**
 * Declares a test per scenario, grouped as `{ describe name: scenarios }`; a scenario whose `skip` gives a reason
 * on the static facts is skipped with it. `begin` starts what a run needs and is finished after it.
 */
export function scenarioTests<C extends Finishable, M, D extends ScenarioDef<C, M> = ScenarioDef<C, M>>(
  h: ScenarioHarness<M>,
  groups: Record<string, D[]>,
  begin: (def: D, stage: StageLog) => Promise<C>,
  staticBalancer?: BalancerFacts,
): void {
  const metrics: Record<string, M> = {};
  const before: ScenarioFacts = { profile: h.profile, balancer: staticBalancer ?? h.plan.balancerFacts };
  for (const [group, defs] of Object.entries(groups))
    describe(group, () => {
      for (const def of defs) {
        const bounds = scenarioBounds(def.timeoutMs, h.capabilities.bootMs);
        const body = async (): Promise<void> => {
          const live: ScenarioFacts = { profile: h.profile, balancer: h.deployment.balancerFacts };
          const run = (d: ScenarioDef<C, M>, stage: StageLog): Promise<C> => begin(d as D, stage);
          const problems = await runScenario(h, def, live, run, metrics, bounds.budgetMs, bounds.finishMs);
          expect(problems).toEqual([]);
        };
        h.testUnless(h.unmet(needsOf(def, before.balancer)) || def.skip?.(before), def.title, body, bounds.testMs);
      }
    });
}
