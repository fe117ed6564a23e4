/**
 * Failover through the balancer: when a node dies, hangs, returns or stops, and when the balancer
 * reloads — how long until the balancer stops sending clients to the node, how long until every
 * client is back, and what the steady message stream lost. Thresholds: profile `thresholds.failover`
 * (harness/failover/thresholds.ts); findings name the config line that explains a failure.
 * One file per scenario: harness/failover/scenarios/.
 */
import { useDeployment } from '../harness/suite/context.js';
import { scenarioTests } from '../harness/suite/scenarios.js';
import { FAILOVER_SCENARIOS, failoverBegin } from '../harness/failover/scenarios/index.js';

const h = useDeployment('failover');
scenarioTests(h, { failover: FAILOVER_SCENARIOS }, failoverBegin(h));
