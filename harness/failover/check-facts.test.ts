/**
 * What the failover suite derives from a balancer config: worst-case detection per fault kind, the
 * waits it allows itself, and findings that name the right line — from the real fixtures, parsed and
 * mapped like a run does.
 */
import { describe, expect, test } from '@jest/globals';
import {
  detectionBound,
  detectionFinding,
  riseBound,
  serverOf,
  shutdownSessionsFinding,
  worstCaseFinding,
} from './check-facts.js';
import { detectionWindowMs, hangReconnectWindowMs } from './windows.js';
import { FAILOVER_DEFAULTS, failoverThresholds } from './thresholds.js';
import { algorithmNote } from './steps.js';
import { haproxyFactsOf as factsOf } from '../../test/helpers/haproxy.js';

describe('worst-case detection from the config', () => {
  test('hardened config: crash 1 s × 2 + 2 s = 4 s, hang 2 × (1 s + 2 s) = 6 s, within the defaults', async () => {
    const f = await factsOf('haproxy/production/emqx-roundrobin.cfg');
    const check = serverOf(f, 'node2').check;
    expect(detectionBound(check, 'crash')).toMatchObject({ worstMs: 4000, line: 24 });
    expect(detectionBound(check, 'hang').worstMs).toBe(6000);
    expect(detectionBound(check, 'crash').formula).toBe(
      'inter 1 s (line 24) × fall 2 (line 24) + check timeout 2 s (line 17) = 4 s',
    );
    expect(worstCaseFinding(f, serverOf(f, 'node2'), 'crash', FAILOVER_DEFAULTS.detectionMs)).toBeUndefined();
    expect(worstCaseFinding(f, serverOf(f, 'node2'), 'hang', FAILOVER_DEFAULTS.hangDetectionMs)).toBeUndefined();
    expect(shutdownSessionsFinding(f, serverOf(f, 'node2'), 6000)).toBeUndefined();
    expect(riseBound(check).worstMs).toBe(3000);
  });

  test("the guide's plain `check`: HAProxy defaults give 8 s for a crash, and a hang is never detected", async () => {
    const f = await factsOf('haproxy/guide/emqx-roundrobin.cfg');
    const server = serverOf(f, 'node3');
    expect(detectionBound(server.check, 'crash')).toMatchObject({ worstMs: 8000, line: 8 });
    expect(detectionBound(server.check, 'crash').formula).toMatch(
      /inter 2 s \(default\) × fall 3 \(default\) \+ check timeout = inter 2 s/,
    );
    expect(detectionBound(server.check, 'hang')).toMatchObject({ worstMs: Infinity, line: 8 });
    const hang = detectionFinding(f, server, 'hang', null, 8000, 'pause');
    expect(hang).toMatchObject({
      severity: 'error',
      line: 8,
      title: 'the balancer did not mark node3 DOWN after the pause (threshold 8 s)',
    });
    expect(hang.detail).toMatch(/plain TCP connect check .*line 8.*passes for a hung node/);
    expect(hang.remedy).toMatch(/option httpchk .*uri \/status.*expect string "is running"/);
    expect(worstCaseFinding(f, server, 'crash', 5000)).toMatchObject({
      severity: 'error',
      line: 8,
      title: expect.stringMatching(/^worst-case detection 8 s exceeds the 5 s threshold/),
    });
    expect(shutdownSessionsFinding(f, server, 7500)).toMatchObject({
      severity: 'warning',
      line: 8,
      remedy: expect.stringContaining('on-marked-down shutdown-sessions'),
    });
  });

  test('broken fixtures: no check points at the server line, slow detection at its inter/fall line', async () => {
    const none = await factsOf('broken/failover-no-check.cfg');
    expect(detectionFinding(none, serverOf(none, 'node2'), 'crash', null, 5000, 'kill')).toMatchObject({
      line: 17,
      detail: expect.stringMatching(/^no health check on server emqx_node_2 \(line 17\)/),
    });
    const slow = await factsOf('broken/failover-slow-detection.cfg');
    const f = detectionFinding(slow, serverOf(slow, 'node1'), 'crash', null, 5000, 'kill');
    expect(f).toMatchObject({ line: 21, remedy: expect.stringContaining('inter 1s fall 2') });
    expect(f.detail).toContain(
      'inter 10 s (line 21) × fall 5 (line 21) + check timeout 2 s (line 14) = 52 s, above the 5 s threshold',
    );
    const tcp = await factsOf('broken/failover-tcp-check.cfg');
    expect(detectionBound(serverOf(tcp, 'node1').check, 'crash').worstMs).toBe(4000);
    expect(detectionBound(serverOf(tcp, 'node3').check, 'hang')).toMatchObject({ worstMs: Infinity, line: 22 });
  });
});

describe('why reconnecting clients keep reaching a failed node', () => {
  test('source hashing, leastconn and client-id stickiness are named with their line; roundrobin needs no note', async () => {
    expect(algorithmNote(await factsOf('haproxy/guide/emqx-source.cfg'))).toBe(
      "balance source (line 5) hashes a client's address to the same server on every reconnect",
    );
    expect(algorithmNote(await factsOf('haproxy/guide/emqx-leastconn.cfg'))).toMatch(
      /^balance leastconn \(line 5\) prefers the server with the fewest connections/,
    );
    expect(algorithmNote(await factsOf('haproxy/production/emqx-clientid-sticky.cfg'))).toMatch(
      /^client-id stickiness \(line \d+\)/,
    );
    expect(algorithmNote(await factsOf('haproxy/production/emqx-roundrobin.cfg'))).toBe('');
  });
});

describe('waits derived from config and thresholds', () => {
  test('a config slower than the threshold is waited for only up to the cap; a missing check only a moment past the threshold', async () => {
    const slow = await factsOf('broken/failover-slow-detection.cfg');
    expect(detectionWindowMs(detectionBound(serverOf(slow, 'node1').check, 'crash'), 5000, 12_000)).toBe(12_000);
    const prod = await factsOf('haproxy/production/emqx-roundrobin.cfg');
    expect(detectionWindowMs(detectionBound(serverOf(prod, 'node1').check, 'hang'), 8000, 12_000)).toBe(9000);
    const guide = await factsOf('haproxy/guide/emqx-roundrobin.cfg');
    expect(detectionWindowMs(detectionBound(serverOf(guide, 'node1').check, 'hang'), 8000, 12_000)).toBe(9000);
    expect(hangReconnectWindowMs(FAILOVER_DEFAULTS)).toBe(14_500);
  });
});

describe('thresholds.failover', () => {
  test('defaults, overrides in snake_case, and refusals that name the key', () => {
    expect(failoverThresholds(undefined)).toEqual(FAILOVER_DEFAULTS);
    expect(failoverThresholds({ detection_ms: 2000, clients: 12 })).toMatchObject({ detectionMs: 2000, clients: 12 });
    expect(() => failoverThresholds({ detection: 1 })).toThrow(/thresholds\.failover\.detection: unknown key/);
    expect(() => failoverThresholds({ detection_ms: '5s' })).toThrow(
      /thresholds\.failover\.detection_ms must be a non-negative number/,
    );
    expect(() => failoverThresholds({ clients: 5 })).toThrow(/exceed clients/);
  });
});
