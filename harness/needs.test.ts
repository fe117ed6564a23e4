/** unmet(): the first need a run cannot meet gives the skip reason; abilities are known before anything starts. */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { allAbilities, unmet, viewUnlessPassive, type Abilities } from './needs.js';
import { staticNginx } from './balancer/nginx/static.js';
import { resolveAbilities } from './abilities.js';
import { loadProfile } from './profile/load.js';
import { projectRoot } from './util/project-root.js';

const profile = (f: string) => loadProfile(path.join(projectRoot(), 'fixtures/profiles', f));

describe('needs', () => {
  test('unmet gives the first missing need its reason, false when everything is there', () => {
    const a: Abilities = { ...allAbilities(2), mqtt5: 'no MQTT 5 here' };
    a.faults.kill = 'no kill command';
    expect(unmet([], a)).toBe(false);
    expect(unmet(['restart', 'balancer-view', { nodes: 2 }], a)).toBe(false);
    expect(unmet(['restart', 'kill', 'mqtt5'], a)).toBe('no kill command');
    expect(unmet(['mqtt5', 'kill'], a)).toBe('no MQTT 5 here');
    expect(unmet([{ nodes: 3 }], a)).toBe('needs at least 3 nodes (the deployment has 2)');
    expect(unmet([{ tls: 'mtls' }, { tool: 'mosquitto_pub' }], a)).toBe(false);
  });

  test('an external target: fault verbs from its commands, no balancer facts, view or reload', async () => {
    const { abilities, balancerFacts } = await resolveAbilities(profile('external-loopback.yaml'));
    expect(balancerFacts).toBeUndefined();
    expect(abilities.faults.kill).toBe(true);
    expect(unmet(['stop'], abilities)).toMatch(/balancer\.target\.faults\.stop/);
    expect(unmet(['kill', 'restart', 'balancer-view'], abilities)).toMatch(/server states are not visible/);
    expect(unmet(['balancer-facts'], abilities)).toMatch(/config is unknown to the harness/);
    expect(unmet(['reload'], abilities)).toMatch(/not available/);
  });

  test('a started balancer: facts read statically; the broker kind decides MQTT 5 and $share', async () => {
    const standin = await resolveAbilities(profile('haproxy-roundrobin.yaml'));
    expect(standin.balancerFacts?.mqttBackend.servers).toHaveLength(3);
    expect(unmet(['kill', 'reload', 'balancer-view', 'dashboard-frontend', { nodes: 3 }], standin.abilities)).toBe(
      false,
    );
    expect(unmet([{ tls: 'any' }], standin.abilities)).toMatch(/no `tls:` section/);
    const emqx = await resolveAbilities(profile('docker-emqx-haproxy.yaml'));
    expect(unmet(['mqtt5', 'shared-subscriptions'], emqx.abilities)).toBe(false);
  });
});

describe('viewUnlessPassive', () => {
  test('a config with passive checks only needs no per-server view; any other (or unknown) does', async () => {
    const nginx = (await staticNginx(path.resolve('fixtures/real-world/nginx/broken/01-no-max-fails.conf'), 3)).facts;
    const needs = viewUnlessPassive(['kill', 'balancer-facts']);
    expect(needs(nginx)).toEqual(['kill', 'balancer-facts']);
    expect(needs(undefined)).toEqual(['kill', 'balancer-facts', 'balancer-view']);
    const noView = { ...allAbilities(), 'balancer-view': 'the balancer cannot report server states' };
    expect(unmet(needs(nginx), noView)).toBe(false);
    expect(unmet(needs(undefined), noView)).toBe('the balancer cannot report server states');
  });
});
