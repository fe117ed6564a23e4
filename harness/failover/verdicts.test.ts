/**
 * Scenario verdicts: each failed threshold gives a problem (fails the test) and an error finding that
 * names the config line; figures within the thresholds give none.
 */
import { describe, expect, test } from '@jest/globals';
import { serverOf } from './check-facts.js';
import { heldSessionsFinding, judgeDetection, judgeReconnect, judgeReturn, stuckFinding } from './verdicts.js';
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
    // judged from when the node served again; its boot is stated, not charged to rise
    const slowBoot = judgeReturn(prod, serverOf(prod, 'node3'), 'c', { ...figures, upMs: 9000, bootMs: 41_000 });
    expect(slowBoot.problems).toEqual(['return: node3 marked UP only 9 s after it served again (threshold 8 s)']);
    expect(slowBoot.findings[1]!.detail).toBe(
      'c; r; the node served again 41 s after its restart began (its boot, not judged)',
    );
    expect(judgeReturn(prod, serverOf(prod, 'node3'), 'c', { ...figures, bootMs: 41_000 }).findings[0]!.detail).toMatch(
      /; node3 served again 41 s after its restart began and was marked UP 2.1 s later$/,
    );
  });

  test('persistent sessions held by a hung node: a warning with what was measured, naming the clients not back', () => {
    const f = heldSessionsFinding(
      'node3',
      'rabbitmq',
      { ms: [4000], missing: ['fo-x-hang-s4', 'fo-x-hang-s7'] },
      14_500,
    );
    expect(f.severity).toBe('warning');
    expect(f.title).toBe(
      'persistent sessions of the hung node3: 2 of 3 were not back within the 14.5 s waited (fo-x-hang-s4, fo-x-hang-s7); not judged against the reconnect threshold (rabbitmq holds them on the hung node)',
    );
    expect(f.detail).toMatch(/net_ticktime/);
    expect(heldSessionsFinding('node3', 'rabbitmq', { ms: [4000, 6100], missing: [] }, 14_500).title).toMatch(
      /: all 2 were back, the last after 6.1 s;/,
    );
  });

  test('stuck clients: keepalive arithmetic and who closed the connections', () => {
    const f = stuckFinding('node3', { ms: [6300, 7500], never: [] }, 5, false, 4);
    expect(f.title).toBe('clients of the hung node3 were stuck for p50 6.3 s, max 7.5 s');
    expect(f.detail).toBe(
      'keepalive 5 s: MQTT.js gives up after 1.5 × keepalive = 7.5 s without a PINGRESP; meanwhile the balancer sent 4 new connection(s) to the hung node',
    );
  });
});
