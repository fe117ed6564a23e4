/**
 * The failover scenarios, in the order the suite runs them, and how one begins on a suite's deployment.
 */
import type { SuiteHarness } from '../../suite/context.js';
import { asBalanced } from '../../types.js';
import type { StageLog } from '../../suite/stage.js';
import { failoverThresholds } from '../thresholds.js';
import { FailoverScenario, type FailoverScenarioDef, type ScenarioContext } from '../scenario.js';
import { kill } from './kill.js';
import { hang } from './hang.js';
import { returns } from './return.js';
import { gracefulStop } from './stop.js';
import { reload } from './reload.js';
import { storm } from './storm.js';
import { balancerKill } from './balancer-kill.js';
import { rollingRestart } from './rolling-restart.js';
import { partition } from './partition.js';
import { slowNode } from './slow-node.js';
import { lossyLink } from './lossy-link.js';

export const FAILOVER_SCENARIOS: FailoverScenarioDef[] = [
  kill,
  hang,
  returns,
  gracefulStop,
  reload,
  balancerKill,
  rollingRestart,
  storm,
  // Network faults on the balancer ↔ node link (need 'link-faults': the local fault hop, or docker's kernel rules).
  partition,
  slowNode,
  lossyLink,
];

/** Begins a scenario on the suite's deployment; one run id per suite run, part of every client id and topic. */
export function failoverBegin(
  h: SuiteHarness,
): (def: FailoverScenarioDef, stage: StageLog) => Promise<FailoverScenario> {
  const thresholds = failoverThresholds(h.profile.thresholds.failover);
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  return (def, stage) => {
    const ctx: ScenarioContext = { deployment: asBalanced(h.deployment), pool: h.pool, thresholds, runId };
    return FailoverScenario.begin(ctx, def.name, def.options?.(ctx), stage);
  };
}
