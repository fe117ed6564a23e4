/**
 * Failover under passive checks only (open-source NGINX: max_fails/fail_timeout, no probe), from the real NGINX
 * fixtures parsed and mapped like a static read: the fact stated with its lines, kill judged by the clients, hang an
 * error when its clients stayed stuck beyond the threshold, and no per-server view needed.
 */
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { staticNginx } from '../balancer/nginx/static.js';
import { NGINX_REMEDIES } from '../balancer/nginx/remedies.js';
import { remediesOf } from '../balancer/kinds.js';
import {
  describeCheck,
  detectionBound,
  detectionFinding,
  isPassive,
  riseBound,
  serverOf,
  shutdownSessionsFinding,
} from './check-facts.js';
import { passiveHangVerdict, passiveKillFinding } from './passive.js';
import { viewUnlessPassive } from '../needs.js';
import { hangReconnectWindowMs } from './windows.js';
import { FAILOVER_DEFAULTS } from './thresholds.js';
import type { AttemptSummary } from './measure.js';
import { haproxyFactsOf } from '../../test/helpers/haproxy.js';

const nginx = async (rel: string) => (await staticNginx(path.resolve('fixtures/real-world/nginx', rel), 3)).facts;

const attempts: AttemptSummary = {
  attempts: 9,
  accepted: 6,
  closedWithoutConnack: 3,
  closedMedianMs: 3000,
  errors: {},
};

describe('passive checks as a fact', () => {
  test('no max_fails: passive, the defaults and the server/upstream lines stated', async () => {
    const f = await nginx('broken/01-no-max-fails.conf');
    expect(isPassive(f)).toBe(true);
    const s = serverOf(f, 'node1');
    expect(describeCheck(s)).toBe(
      'no active health check, passive failure counting only: upstream mqtt_servers (line 17): server emqx1-cluster.emqx.invalid:1883 max_fails=1 (default) fail_timeout=10s (default) (line 18)',
    );
    const crash = detectionBound(s.check, 'crash');
    expect(crash).toMatchObject({ worstMs: 0, passive: true, line: 18 });
    expect(crash.formula).toMatch(/detection is per connect attempt .* `proxy_next_upstream`, on by default/);
    expect(crash.formula).toMatch(/after max_fails 1 \(default\) failed connects within fail_timeout 10 s \(default\)/);
    const hang = detectionBound(s.check, 'hang');
    expect(hang).toMatchObject({ worstMs: Infinity, passive: true, line: 18 });
    expect(hang.formula).toMatch(/still completes TCP handshakes into its backlog/);
    expect(hang.formula).toMatch(/`proxy_connect_timeout` 60 s, default, fires only once the backlog is full/);
    expect(riseBound(s.check)).toEqual({
      worstMs: 10_000,
      formula: 'passive checks only: a skipped server is tried again after fail_timeout 10 s (default)',
    });
    expect(shutdownSessionsFinding(f, s, 5000)).toBeUndefined();
    expect(detectionFinding(f, s, 'hang', null, 8000, 'pause').remedy).toBe(remediesOf(f.kind).appCheck);
  });

  test('hardened: max_fails=3 fail_timeout=10s and proxy_connect_timeout 2s with their lines', async () => {
    const s = serverOf(await nginx('good/02-hardened-least-conn.conf'), 'node2');
    expect(detectionBound(s.check, 'crash').formula).toMatch(
      /max_fails 3 \(line 27\) .* fail_timeout 10 s \(line 27\)/,
    );
    expect(detectionBound(s.check, 'hang').formula).toMatch(/`proxy_connect_timeout 2s;` 2 s, line 34/);
  });

  test('the per-server view is needed unless every server is passive (unknown facts: needed)', async () => {
    const needs = viewUnlessPassive(['kill', 'restart', 'balancer-facts']);
    expect(needs(await nginx('broken/01-no-max-fails.conf'))).toEqual(['kill', 'restart', 'balancer-facts']);
    expect(needs(await haproxyFactsOf('haproxy/production/emqx-roundrobin.cfg'))).toContain('balancer-view');
    expect(needs(undefined)).toContain('balancer-view');
  });
});

describe('passive failover judgements', () => {
  test('kill: an info finding on the server line, judged by the reconnect of every client', async () => {
    const f = await nginx('broken/01-no-max-fails.conf');
    const k = passiveKillFinding(f, serverOf(f, 'node2'), 'node2', attempts, 10_000);
    expect(k).toMatchObject({ severity: 'info', line: 19, file: f.file });
    expect(k.title).toMatch(/^passive checks only: the balancer noticed the failed node2 per connect attempt/);
    expect(k.detail).toMatch(/judges the reconnect of every client \(threshold 10 s\)/);
    expect(k.detail).toMatch(
      /upstream mqtt_servers \(line 17\): server emqx2-cluster\.emqx\.invalid:1883 max_fails=1 \(default\)/,
    );
  });

  test('hang: clients stuck beyond the threshold are a warning (a limit of passive checks) naming the server line, with the remedy', async () => {
    const f = await nginx('broken/01-no-max-fails.conf');
    const v = passiveHangVerdict(f, serverOf(f, 'node3'), 'node3', { ms: [7600, 13_900], missing: [] }, attempts, 8000);
    expect(v.problems).toEqual([]);
    const e = v.findings[0]!;
    expect(e.title).toBe(
      'the balancer never takes the hung node3 out (passive checks only): its clients were stuck up to 13.9 s, beyond the 8 s hang threshold; a limit of passive checks, not judged',
    );
    expect(e).toMatchObject({ severity: 'warning', line: 20, remedy: remediesOf(f.kind).appCheck });
    expect(e.detail).toMatch(
      /^no active health check, passive failure counting only: upstream mqtt_servers \(line 17\): server /,
    );
    expect(e.detail).toMatch(
      /3 of the affected clients' 9 reconnect attempts were closed without a CONNACK \(median after 3 s\): sent to the hung node again/,
    );
    expect(e.detail).toMatch(/idle connections only after `proxy_timeout` 600 s \(default\)/);
    const missing = passiveHangVerdict(
      f,
      serverOf(f, 'node3'),
      'node3',
      { ms: [7600], missing: ['c1'] },
      attempts,
      8000,
    );
    expect(missing.problems).toEqual([]);
    expect(missing.findings[0]!.title).toMatch(/1 of 2 clients were not back, beyond the 8 s hang threshold/);
  });

  test('hang within the threshold: a warning, no problem', async () => {
    const f = await nginx('good/02-hardened-least-conn.conf');
    const v = passiveHangVerdict(f, serverOf(f, 'node1'), 'node1', { ms: [4000, 7000], missing: [] }, attempts, 8000);
    expect(v.problems).toEqual([]);
    expect(v.findings[0]).toMatchObject({ severity: 'warning', line: 26 });
  });

  test('the hang reconnect window allows more retries under passive checks, capped', () => {
    const t = FAILOVER_DEFAULTS;
    expect(hangReconnectWindowMs(t)).toBe(14_500);
    expect(hangReconnectWindowMs(t, true)).toBe(20_500);
  });

  test('NGINX remedies name health_check (Plus) and the open-source timeouts', () => {
    expect(NGINX_REMEDIES.appCheck).toMatch(/NGINX Plus `health_check/);
    expect(NGINX_REMEDIES.appCheck).toMatch(/`proxy_connect_timeout 2s;`.*`proxy_timeout`/);
  });
});
