/**
 * The storm's judgement from the real fixtures, parsed like a run does: a plateau at the frontend `maxconn 150` is
 * named with its line and remedy; per-second buckets add up; fixed vs jittered compared; the rolling restart's
 * imbalance names the algorithm's line and the kind's rebalance remedy.
 */
import { describe, expect, test } from '@jest/globals';
import type { Deployment } from '../types.js';
import { haproxyFactsOf as factsOf } from '../../test/helpers/haproxy.js';
import { judgeStormRun, policyComparison } from './storm-findings.js';
import { perSecond, type StormFigures } from './storm-run.js';
import { STORM_DEFAULTS } from './storm-settings.js';
import { imbalanceFinding } from './findings.js';

const LIMITS = { openFilesSoft: 20_000, openFilesHard: 20_000, ephemeralPorts: 28_232 };

function figures(over: Partial<StormFigures>): StormFigures {
  return {
    policy: 'fixed',
    description: 'fixed period 1000 ms (MQTT.js reconnectPeriod)',
    clients: 300,
    connectedBefore: 300,
    balancerBackMs: 800,
    recoveredMs: 2900,
    back: 300,
    peakAfterReset: 300,
    attempts: 300,
    refused: 0,
    timeouts: 0,
    peakAttemptsPerS: 300,
    peakRefusedPerS: 0,
    errors: {},
    perSecond: [],
    engine: { limits: LIMITS, sourceAddresses: 1 },
    ...over,
  };
}

const deploymentOf = async (cfg: string): Promise<Deployment> =>
  ({
    balancerFacts: await factsOf(cfg),
    balancer: { kind: 'haproxy', version: '2.6' },
    nodes: [{ name: 'node1' }, { name: 'node2' }, { name: 'node3' }],
  }) as unknown as Deployment;

describe('reconnect storm findings', () => {
  test('150 of 300 connected under frontend maxconn 150: the limit, its line and the remedy', async () => {
    const d = await deploymentOf('broken/failover-storm-low-maxconn.cfg');
    const v = judgeStormRun(d, figures({ connectedBefore: 150, errors: { timeout: 150 } }), STORM_DEFAULTS);
    expect(v.problems).toHaveLength(1);
    expect(v.findings[0]).toMatchObject({
      severity: 'error',
      title:
        'storm (fixed): only 150 of 300 clients could connect before the reset: frontend maxconn 150 = 150 connection slots',
      line: 30,
      remedy: expect.stringMatching(/frontend `maxconn`/),
    });
  });

  test('all back: an info finding; fixed vs jittered side by side, the jitter remedy when the fixed peak is higher', async () => {
    const d = await deploymentOf('haproxy/production/emqx-roundrobin.cfg');
    expect(judgeStormRun(d, figures({}), STORM_DEFAULTS)).toMatchObject({
      problems: [],
      findings: [{ severity: 'info' }],
    });
    const jittered = figures({ policy: 'jittered', recoveredMs: 4000, peakAttemptsPerS: 120 });
    expect(policyComparison(figures({}), jittered)).toMatchObject({
      title: expect.stringMatching(/fixed period back in 2.9 s .* jittered backoff in 4 s/),
      remedy: expect.stringMatching(/backoff and full jitter/),
    });
    expect(policyComparison(figures({ recoveredMs: null }), jittered)).toBeUndefined();
  });

  test('per-second buckets: attempts, refusals and readies add up to the samples', () => {
    const at = (ms: number, attempted: number, refused: number, readies: number) => ({
      at: ms,
      attempted,
      refused,
      timeouts: 0,
      readies,
      connected: readies,
      pending: attempted - readies - refused,
    });
    const rows = perSecond([at(500, 100, 40, 0), at(900, 300, 100, 50), at(1400, 400, 100, 300)], at(0, 0, 0, 0));
    expect(rows).toEqual([
      { t: 0, attempts: 300, refused: 100, timeouts: 0, ready: 50, connected: 50, pending: 150 },
      { t: 1, attempts: 100, refused: 0, timeouts: 0, ready: 250, connected: 300, pending: 0 },
    ]);
  });

  test('rolling restart leaving a node short: warning naming `balance roundrobin` and the rebalance remedy', async () => {
    const facts = await factsOf('haproxy/production/emqx-roundrobin.cfg');
    const f = imbalanceFinding(facts, { node1: 10, node2: 10, node3: 10 }, { node1: 19, node2: 11, node3: 0 });
    expect(f).toMatchObject({ severity: 'warning', line: 20, remedy: expect.stringMatching(/balance leastconn/) });
    expect(imbalanceFinding(facts, { node1: 10, node2: 10 }, { node1: 11, node2: 9 }).severity).toBe('info');
  });
});
