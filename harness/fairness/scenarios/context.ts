/**
 * What a fairness scenario runs with: the deployment, the client pool, the settings, a run id for
 * client ids, and the shares the running balancer is expected to give.
 */
import { asBalanced, type BalancedDeployment, type Deployment } from '../../types.js';
import type { ClientPool } from '../../clients/mqtt.js';
import { passiveOnly, type BalancerFacts } from '../../facts.js';
import type { SuiteHarness } from '../../suite/context.js';
import type { ScenarioDef } from '../../suite/scenario-def.js';
import { fairnessSettings, type FairnessSettings } from '../settings.js';
import { algorithmName, expectedShares, type ExpectedShares } from '../expected.js';
import type { ScenarioMetrics } from '../evaluate.js';

export interface FairnessRun {
  deployment: BalancedDeployment;
  pool: ClientPool;
  settings: FairnessSettings;
  /** Unique per suite run, part of every client id. */
  runId: string;
  /** The shares the running balancer's algorithm, weights and UP servers imply. */
  expected(): Promise<ExpectedShares>;
  finish(): Promise<void>;
}

export type FairnessScenarioDef = ScenarioDef<FairnessRun, ScenarioMetrics>;

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
export const algorithmOf = (f: BalancerFacts): string => algorithmName(f.mqttBackend);
export const nodeNames = (d: Deployment): string[] => d.nodes.map((n) => n.name);

/** How a fairness scenario begins on the suite's deployment (settings read once, when the suite loads). */
export function fairnessBegin(h: SuiteHarness): () => Promise<FairnessRun> {
  const settings = fairnessSettings((key, fallback) => h.threshold(key, fallback));
  const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  return () => {
    const deployment = asBalanced(h.deployment);
    return Promise.resolve({
      deployment,
      pool: h.pool,
      settings,
      runId,
      // passive checks only (NGINX open source): no per-server state to read, every server counts as up
      expected: async () => {
        const backend = deployment.balancerFacts.mqttBackend;
        return expectedShares(backend, passiveOnly(backend) ? [] : await deployment.balancerView.servers());
      },
      finish: () => Promise.resolve(),
    });
  };
}
