import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { loadProfile } from '../profile/load.js';
import { staticBalancerFacts } from '../balancer/static-facts.js';
import { checkIdleTimeout } from './static-check.js';
import { planIdle } from './plan.js';

async function timeoutsOf(profile: string) {
  const p = loadProfile(path.resolve('fixtures', profile));
  const facts = (await staticBalancerFacts(p))!;
  return { t: facts.mqttBackend.timeouts, keepalive: p.clients.keepalive_s, file: facts.file };
}

describe('static keepalive check', () => {
  test('the broken fixture: `timeout client 5s` (line 18) below 1.5 × 10 s is an error naming the line', async () => {
    const { t, keepalive, file } = await timeoutsOf('broken/keepalive-short-timeout.yaml');
    const r = checkIdleTimeout(t, keepalive, 1.5, file);
    expect(r.ok).toBe(false);
    const err = r.findings.find((f) => f.severity === 'error')!;
    expect(err).toMatchObject({ line: 18, file });
    expect(err.title).toMatch(/`timeout client 5s` \(line 18\) is below 1\.5 × the MQTT keepalive \(10 s → 15 s\)/);
    expect(err.detail).toMatch(/Rule applied: idle timeout ≥ 1\.5 × keepalive/);
    expect(err.remedy).toMatch(/at least 15 s/);
  });

  test('production fixture: 300 s ≥ 1.5 × 60 s passes with an info finding', async () => {
    const { t, keepalive, file } = await timeoutsOf('profiles/haproxy-roundrobin.yaml');
    const r = checkIdleTimeout(t, keepalive, 1.5, file);
    expect(r).toMatchObject({ ok: true, effectiveMs: 300_000, requiredMs: 90_000 });
    expect(r.findings.every((f) => f.severity === 'info')).toBe(true);
  });

  test('between 1.2× and 1.5×: fails the default rule, passes the EMQX rule', () => {
    const t = {
      clientMs: { value: 80_000, line: 3, source: 'timeout client 80s' },
      serverMs: { value: 80_000, line: 4, source: 'timeout server 80s' },
      effectiveIdleMs: { value: 80_000, line: 3, source: 'timeout client 80s' },
    };
    expect(checkIdleTimeout(t, 60, 1.5, 'x.cfg').ok).toBe(false);
    expect(checkIdleTimeout(t, 60, 1.5, 'x.cfg').findings[0]!.title).toMatch(/cut whenever a PINGREQ is a little late/);
    const emqx = checkIdleTimeout(t, 60, 1.2, 'x.cfg');
    expect(emqx.ok).toBe(true);
    expect(emqx.findings[0]!.detail).toMatch(/1\.2 × keepalive.*EMQX/);
  });

  test('timeout tunnel supersedes client/server and is the line named', () => {
    const t = {
      clientMs: { value: 5000, line: 3 },
      serverMs: { value: 5000, line: 4 },
      tunnelMs: { value: 3_600_000, line: 9, source: 'timeout tunnel 1h' },
      effectiveIdleMs: { value: 3_600_000, line: 9, source: 'timeout tunnel 1h' },
    };
    const r = checkIdleTimeout(t, 60, 1.5, 'x.cfg');
    expect(r.ok).toBe(true);
    expect(r.findings[0]).toMatchObject({ line: 9 });
    expect(r.findings[0]!.detail).toMatch(/supersedes/);
  });

  test('no timeout at all: info, not an error', () => {
    const r = checkIdleTimeout({}, 60, 1.5, 'x.cfg');
    expect(r.ok).toBe(true);
    expect(r.findings[0]!.severity).toBe('info');
  });
});

describe('dynamic check plan (bounded idle wait)', () => {
  test('huge timeout: idles 1.5 × the small suite keepalive and says so', () => {
    const p = planIdle({ profileKeepaliveS: 60, effectiveMs: 300_000, maxWaitMs: 45_000 });
    expect(p).toMatchObject({ keepaliveS: 10, targetMs: 15_000, idleMs: 17_000, bounded: true });
    expect(p.notes.join(' ')).toMatch(/300 s\) exceeds the 45 s bound/);
  });

  test('short timeout: idles past max(timeout, 1.5 × keepalive) with the profile keepalive', () => {
    const p = planIdle({ profileKeepaliveS: 10, effectiveMs: 5000, maxWaitMs: 45_000 });
    expect(p).toMatchObject({ keepaliveS: 10, targetMs: 15_000, bounded: false, notes: [] });
    expect(p.idleMs).toBeGreaterThan(15_000);
    expect(planIdle({ profileKeepaliveS: 10, effectiveMs: 30_000, maxWaitMs: 45_000 }).targetMs).toBe(30_000);
  });

  test('a pinned keepalive is used as is', () => {
    expect(
      planIdle({ profileKeepaliveS: 60, suiteKeepaliveS: 4, effectiveMs: undefined, maxWaitMs: 45_000 }),
    ).toMatchObject({ keepaliveS: 4, targetMs: 6000, bounded: false });
  });
});
