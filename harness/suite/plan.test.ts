/** The run plan travels from the CLI to the suites as JSON: what is written is what is read, overrides included. */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfileEntries } from '../cli/args.js';
import { buildRunPlan, currentPlan, readRunPlan, RUN_PLAN_ENV, writeRunPlan } from './plan.js';
import { projectRoot } from '../util/project-root.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-plan-test-'));
const fixture = (f: string): string => path.join(projectRoot(), 'fixtures', f);

describe('run plan', () => {
  test('round trip: the profile with --map and --runtime applied, thresholds, abilities and static facts', async () => {
    const [entry] = loadProfileEntries([fixture('broken/unmapped-server.yaml')], {
      runtime: 'local',
      map: ['emqx-node-4.invalid:1883=node3'],
    });
    const plan = await buildRunPlan(entry!.profile, { runId: 'r1', resultsDir: path.join(dir, 'records') });
    const file = writeRunPlan(plan, path.join(dir, 'plan.json'));
    const back = readRunPlan(file);
    expect(back).toEqual(JSON.parse(JSON.stringify(plan)));
    expect(back.profile.runtime).toBe('local');
    expect(back.profile.balancer.map).toContain('emqx-node-4.invalid:1883=node3');
    expect(back.thresholds.failover.detection_ms).toBe(5000);
    expect(back.abilities.faults.kill).toBe(true);
    expect(back.balancerFacts?.mqttBackend.servers.map((s) => s.node)).toEqual(['node1', 'node2', 'node3', 'node3']);
  });

  test('currentPlan reads MQTT_LB_RUN_PLAN, and falls back to the default fixture profile without it', async () => {
    const file = path.join(dir, 'plan.json');
    expect((await currentPlan({ [RUN_PLAN_ENV]: file })).runId).toBe('r1');
    const fallback = await currentPlan({});
    expect(fallback.profile.file).toBe(fixture('profiles/haproxy-roundrobin.yaml'));
    expect(fallback.abilities['dashboard-frontend']).toBe(true);
  });

  test('a damaged plan is refused naming the file and the key', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ schema: 1, runId: 'x', abilities: {}, profile: { balancer: {} } }));
    expect(() => readRunPlan(file)).toThrow(/bad\.json: profile\./);
  });
});
