/**
 * Distribution fairness through the balancer: does it spread MQTT clients the way the config says?
 * Ground truth is the cluster (node API: per-client `node`), cross-checked with the nodes' own
 * `live_connections` and the balancer's counters. Expected shares are derived from the algorithm, the
 * weights and the UP servers. Metrics per scenario go to summary.json `metrics.fairness.scenarios`.
 * Parameters and thresholds: harness/fairness/settings.ts (`thresholds.fairness` in the profile).
 * One file per scenario: harness/fairness/scenarios/; a scenario that does not apply to the config is
 * skipped with the reason when the config can be read before the deployment starts.
 */
import { useDeployment } from '../harness/suite/context.js';
import { scenarioTests } from '../harness/suite/scenarios.js';
import { staticBalancerFacts } from '../harness/balancer/static-facts.js';
import { FAIRNESS_SCENARIOS, fairnessBegin } from '../harness/fairness/scenarios/index.js';

const h = useDeployment('fairness');
const staticFacts = await staticBalancerFacts(h.profile);
scenarioTests(h, FAIRNESS_SCENARIOS, fairnessBegin(h), staticFacts);
