/**
 * The registry of balancer kinds: each entry's name is its profile key, container admin ports are distinct, remedies
 * come from the kind (neutral words for a balancer the harness does not run), and a kind maps the default fixture onto
 * a dry placement without starting anything.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BALANCER_KINDS, balancerKind, remediesOf } from './kinds.js';
import { GENERIC_REMEDIES } from './remedies.js';
import { dryPlacement } from './dry-placement.js';

describe('balancer kinds registry', () => {
  test('every kind is registered under its own name; unknown names and external have no kind', () => {
    for (const [key, kind] of Object.entries(BALANCER_KINDS)) expect(kind.name).toBe(key);
    expect(balancerKind('external')).toBeUndefined();
    expect(balancerKind('toString')).toBeUndefined();
    const ports = Object.values(BALANCER_KINDS).map((k) => k.container.adminPort);
    expect(new Set(ports).size).toBe(ports.length);
  });

  test("remedies are the kind's own; a balancer the harness does not run gets the neutral wording", () => {
    expect(remediesOf('haproxy').redispatch).toMatch(/option redispatch/);
    expect(remediesOf('ts-proxy').redispatch).toBeUndefined();
    expect(remediesOf('nginx').redispatch).toMatch(/proxy_next_upstream/);
    expect(remediesOf('external')).toBe(GENERIC_REMEDIES);
    expect(GENERIC_REMEDIES.tls.versions).not.toMatch(/HAProxy|TS-proxy/);
  });

  test('each kind maps a config onto a dry placement: upstreams to node addresses, binds placed, facts read', async () => {
    const fixtures = {
      haproxy: 'fixtures/haproxy/production/emqx-roundrobin.cfg',
      'ts-proxy': 'fixtures/ts-proxy/roundrobin.yaml',
      nginx: 'fixtures/real-world/nginx/good/02-hardened-least-conn.conf',
    };
    for (const [name, rel] of Object.entries(fixtures)) {
      const kind = balancerKind(name)!;
      const file = path.resolve(rel);
      const mapped = await kind.map(readFileSync(file, 'utf8'), file, dryPlacement(3, []));
      expect(mapped.mapping.map((m) => m.node)).toContain('node3');
      expect(mapped.mapping.every((m) => m.mapped.startsWith('127.0.1.'))).toBe(true);
      expect(mapped.binds.every((b) => b.host === '127.0.1.10' && b.port >= 20000)).toBe(true);
      expect(kind.facts(mapped, file).kind).toBe(name);
    }
  });
});
