/**
 * External target (balancer.kind: external): a deployment the harness did not start. Here the "existing" cluster
 * is one started with `mqtt-lb up`, and fixtures/profiles/external-loopback.yaml points at its loopback endpoints
 * (via `mqtt-lb status --env`); its fault commands call `mqtt-lb fault` on that deployment.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfile } from '../../harness/profile/load.js';
import { startDeployment } from '../../harness/deployment.js';
import { resolveExternalTarget } from '../../harness/external/target.js';
import { FaultNotAvailableError } from '../../harness/external/faults.js';
import { resolveAbilities } from '../../harness/abilities.js';
import { unmet } from '../../harness/needs.js';
import { FAILOVER_SCENARIOS } from '../../harness/failover/scenarios/index.js';
import { ClientPool } from '../../harness/clients/mqtt.js';
import { connectPlaced } from '../../harness/clients/placement.js';
import { parseSummaryFile } from '../../harness/report/index.js';
import type { KeeperInfo } from '../../harness/cli/run-state.js';
import type { StatusResult } from '../../harness/cli/keeper-status.js';
import { waitFor } from '../../harness/util/wait.js';
import { assertBuilt, ROOT, runCli, runCliJson } from './cli-helpers.js';

assertBuilt('harness/cli/status-command.ts', 'harness/cli/run-command.ts', 'harness/external/deployment.ts');

const FIXTURE = path.join(ROOT, 'fixtures/profiles/external-loopback.yaml');
let info: KeeperInfo;
const env: Record<string, string> = {};
const pool = new ClientPool();

/** `export K='v'` lines → { K: v }. */
function parseExports(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
}

async function nodeState(node: string): Promise<string | undefined> {
  const r = await runCliJson<StatusResult>(['status', '--run', info.runId, '--json']);
  return r.json.nodes.find((n) => n.name === node)?.process?.state;
}

beforeAll(async () => {
  const up = await runCliJson<KeeperInfo>(['up', '-p', 'fixtures/profiles/haproxy-roundrobin.yaml', '--json']);
  expect(up.code).toBe(0);
  info = up.json;
  const exports = await runCli(['status', '--run', info.runId, '--env']);
  expect(exports.code).toBe(0);
  Object.assign(env, parseExports(exports.stdout));
  Object.assign(process.env, env);
}, 60_000);

afterAll(async () => {
  await pool.closeAll();
  if (info) expect((await runCli(['down', '--run', info.runId])).code).toBe(0);
  for (const k of Object.keys(env)) delete process.env[k];
}, 60_000);

describe('external target', () => {
  test('the profile resolves to the up deployment on loopback only', () => {
    expect(env.MQTT_LB_TARGET_MQTT).toBe(info.deployment.endpoints.mqtt);
    const t = resolveExternalTarget(loadProfile(FIXTURE));
    const hosts = [t.mqtt.host, t.dashboard!.host, ...t.nodes.flatMap((n) => [n.api.host, n.mqtt.host])];
    expect(hosts.every((h) => h.startsWith('127.'))).toBe(true);
    expect(t.nodes.map((n) => n.name)).toEqual(['node1', 'node2', 'node3']);
    expect(Object.keys(t.faults).sort()).toEqual(['kill', 'pause', 'restart', 'resume']);
  });

  test('serves the Deployment interface: endpoints, node APIs, placement, and fault verbs through the profile commands', async () => {
    const d = await startDeployment(loadProfile(FIXTURE));
    try {
      expect(d.runtime).toBe('external');
      expect(`mqtt://${d.endpoints.mqtt.host}:${d.endpoints.mqtt.port}`).toBe(info.deployment.endpoints.mqtt);
      expect(d.nodes.map((n) => n.brokerNode)).toEqual(['node1', 'node2', 'node3']);
      const placed = await connectPlaced(d, pool, { clientId: `ext-${process.pid}` });
      expect(['node1', 'node2', 'node3']).toContain(placed.node);

      await d.fault('node2', 'pause'); // runs `mqtt-lb fault pause node2 --run …` against the up deployment
      expect(await nodeState('node2')).toBe('paused');
      await d.fault('node2', 'resume');
      expect(await nodeState('node2')).toBe('running');
      await expect(d.fault('node2', 'stop')).rejects.toBeInstanceOf(FaultNotAvailableError); // no stop command in the profile
      expect([d.balancerView, d.reloadBalancer, d.balancerFacts]).toEqual([undefined, undefined, undefined]);
    } finally {
      await d.stop();
    }
  }, 60_000);

  test('without fault commands, suites get a skip reason and fault() a clear error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-ext-'));
    const file = path.join(dir, 'external-nofaults.yaml');
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace(/\n {4}faults:[\s\S]*?(?=\nsuites:)/, ''));
    const profile = loadProfile(file);
    expect(profile.balancer.target?.faults).toEqual({});
    const { abilities } = await resolveAbilities(profile);
    expect(unmet(['kill'], abilities)).toMatch(
      /fault verb kill not available on the external target: the profile gives no balancer\.target\.faults\.kill command/,
    );
    expect(unmet(['balancer-view'], abilities)).toMatch(/server states are not visible/);
    const started = await resolveAbilities(loadProfile(path.join(ROOT, 'fixtures/profiles/haproxy-roundrobin.yaml')));
    expect(unmet(['kill', 'balancer-view'], started.abilities)).toBe(false);
    const d = await startDeployment(profile);
    try {
      await expect(d.fault('node1', 'kill')).rejects.toThrow(/faults\.kill/);
      await waitFor(async () => (await nodeState('node1')) === 'running', {
        timeoutMs: 15_000,
        what: 'node1 untouched',
      });
    } finally {
      await d.stop();
    }
  });

  test('mqtt-lb run with the external profile runs the suite through the existing balancer', async () => {
    const out = path.join(ROOT, 'reports', 'test-cli-external');
    const r = await runCli(['run', '-p', FIXTURE, '--suites', 'pubsub', '-t', 'placement|QoS 1', '--out', out], {
      env,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/external target mqtt:\/\/127\.0\.\d+\.10:\d+: node APIs node1=node1/);
    const [s] = parseSummaryFile(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(s!.deployment).toMatchObject({
      runtime: 'external',
      balancer: { kind: 'external', mapping: [] },
      endpoints: { mqtt: info.deployment.endpoints.mqtt },
    });
    expect(s!.suites.pubsub!.tests.find((t) => t.path.includes('placement'))!.status).toBe('passed');
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toMatch(
      /An external balancer \(<code>mqtt:\/\/127\.0\.\d+\.10:\d+<\/code>\): the harness did not start it/,
    );
  }, 90_000);

  test('pubsub, keepalive and failover through an external target: what needs the balancer config is skipped with the reason', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-ext-needs-'));
    const file = path.join(path.dirname(FIXTURE), `external-needs-${process.pid}.yaml`);
    writeFileSync(
      file,
      `${readFileSync(FIXTURE, 'utf8').replace(/\nsuites:.*\n?/, '\n')}\nsuites: [pubsub]\nthresholds:\n  keepalive: { keepalive_s: 2, max_idle_wait_s: 6 }\n`,
    );
    try {
      const out = path.join(dir, 'report');
      const r = await runCli(['run', '-p', file, '--suites', 'pubsub,keepalive,failover', '--out', out], { env });
      const [s] = parseSummaryFile(readFileSync(path.join(out, 'summary.json'), 'utf8'));
      const failed = Object.values(s!.suites).flatMap((x) => x.tests.filter((t) => t.status === 'failed'));
      expect(failed.map((t) => t.name)).toEqual([]);
      expect(s!.suites.keepalive!.tests.find((t) => t.name.startsWith('static'))).toMatchObject({
        status: 'skipped',
        skipReason: expect.stringMatching(/config is unknown to the harness/),
      });
      // Every failover scenario needs the balancer's view (and fault verbs): skipped with the reason, none failed.
      const failover = s!.suites.failover!.tests;
      expect(failover.length).toBe(FAILOVER_SCENARIOS.length);
      for (const t of failover) expect(t).toMatchObject({ status: 'skipped', skipReason: expect.any(String) });
      expect(r.code).toBe(0);
    } finally {
      rmSync(file, { force: true });
    }
  }, 150_000);

  test('an unconfigured external profile: exit 2 when named, skipped with the reason when found in a folder', async () => {
    const bare = Object.fromEntries(Object.keys(env).map((k) => [k, '']));
    const named = await runCli(['run', '-p', FIXTURE, '--out', path.join(os.tmpdir(), 'mqtt-lb-ext-unset')], {
      env: bare,
    });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(
      /external-loopback\.yaml: balancer\.target\.mqtt: environment variable MQTT_LB_TARGET_MQTT is not set/,
    );
    const folder = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-ext-folder-'));
    copyFileSync(FIXTURE, path.join(folder, 'external-loopback.yaml'));
    const out = path.join(folder, 'report');
    const listed = await runCli(['run', '-p', folder, '--out', out], { env: bare });
    expect(listed.code).toBe(0);
    const [s] = parseSummaryFile(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(s!.suites.pubsub!.tests[0]).toMatchObject({
      status: 'skipped',
      skipReason: expect.stringMatching(/external target not configured on this machine: .*MQTT_LB_TARGET_MQTT/),
    });
  }, 60_000);
});
