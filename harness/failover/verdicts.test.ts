/**
 * Scenario verdicts: each failed threshold gives a problem (fails the test) and an error finding that
 * names the config line; figures within the thresholds give none.
 */
import { describe, expect, test } from '@jest/globals';
import { serverOf } from './check-facts.js';
import { judgeDetection, judgeReconnect, judgeReturn, stuckFinding } from './verdicts.js';
import { haproxyFactsOf as factsOf } from '../../test/helpers/haproxy.js';

describe('failover verdicts', () => {
  test('detection: quick on a sound config passes; quick on the guide config still fails on its worst case', async () => {
    const prod = await factsOf('haproxy/production/emqx-roundrobin.cfg');
    expect(judgeDetection(prod, serverOf(prod, 'node1'), 'crash', 1200, 5000, 'kill')).toEqual({
      findings: [],
      problems: [],
    });
    const guide = await factsOf('haproxy/guide/emqx-roundrobin.cfg');
    const v = judgeDetection(guide, serverOf(guide, 'node1'), 'crash', 4100, 5000, 'kill');
    expect(v.problems).toEqual([
      'kill: worst-case detection 8 s exceeds the 5 s threshold (this run was within it by timing luck)',
    ]);
    expect(v.findings[0]).toMatchObject({ severity: 'error', line: 6 });
    expect(judgeDetection(guide, serverOf(guide, 'node2'), 'hang', null, 8000, 'pause').problems).toEqual([
      'pause: node2 not marked DOWN (threshold 8 s)',
    ]);
  });

  test('reconnect: missing clients and a slow last client fail; all back in time passes', () => {
    expect(judgeReconnect('node2', { ms: [300, 3600], missing: [] }, 10_000, 'd')).toEqual({
      findings: [],
      problems: [],
    });
    expect(judgeReconnect('node2', { ms: [300], missing: ['a', 'b'] }, 10_000, 'd').problems).toEqual([
      'reconnect: 2 of 3 clients of node2 were not back (threshold 10 s)',
    ]);
    expect(judgeReconnect('node2', { ms: [300, 12_500], missing: [] }, 10_000, 'd').findings[0]).toMatchObject({
      severity: 'error',
      title: 'the last client of node2 was back after 12.5 s (threshold 10 s)',
    });
  });

  test('return: the imbalance is reported; a node not back in rotation or unreached fails naming its rise line', async () => {
    const prod = await factsOf('haproxy/production/emqx-roundrobin.cfg');
    const figures = {
      node: 'node3',
      upMs: 2100,
      thresholdMs: 8000,
      riseFormula: 'r',
      before: { node1: 10, node2: 10, node3: 10 },
      after: { node1: 15, node2: 15, node3: 0 },
      fresh: { total: 15, onNode: 5 },
    };
    const ok = judgeReturn(prod, serverOf(prod, 'node3'), 'c', figures);
    expect(ok.problems).toEqual([]);
    expect(ok.findings[0]!.title).toBe(
      'long-lived connections stay put: node3 held 10 clients before the fault and 0 after its return ({"node1":15,"node2":15,"node3":0})',
    );
    const bad = judgeReturn(prod, serverOf(prod, 'node3'), 'c', {
      ...figures,
      upMs: null,
      fresh: { total: 15, onNode: 0 },
    });
    expect(bad.problems).toHaveLength(2);
    expect(bad.findings[1]).toMatchObject({ severity: 'error', line: 24 });
  });

  test('stuck clients: keepalive arithmetic and who closed the connections', () => {
    const f = stuckFinding('node3', { ms: [6300, 7500], never: [] }, 5, false, 4);
    expect(f.title).toBe('clients of the hung node3 were stuck for p50 6.3 s, max 7.5 s');
    expect(f.detail).toBe(
      'keepalive 5 s: MQTT.js gives up after 1.5 × keepalive = 7.5 s without a PINGRESP; meanwhile the balancer sent 4 new connection(s) to the hung node',
    );
  });
});
