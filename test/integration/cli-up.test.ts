/**
 * `mqtt-lb up` in one process, `status` / `fault` / `down` from others (each a separate `node bin/mqtt-lb.js`), on
 * a real local deployment; afterwards no process carrying the run's MQTT_LB_RUN_ID may remain.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunDir } from '../../harness/proc/run-dir.js';
import { isAlive } from '../../harness/proc/identity.js';
import { processesOfRun, readCurrent, upRuns } from '../../harness/cli/run-state.js';
import type { KeeperInfo } from '../../harness/cli/run-state.js';
import type { StatusResult } from '../../harness/cli/keeper-status.js';
import { waitFor } from '../../harness/util/wait.js';
import { assertBuilt, runCli, runCliJson } from './cli-helpers.js';

const PROFILE = 'fixtures/profiles/haproxy-roundrobin.yaml';
const started: string[] = [];
const privateRuns: Array<{ runId: string; env: Record<string, string> }> = [];

assertBuilt(
  'harness/cli/keeper.ts',
  'harness/cli/up-command.ts',
  'harness/cli/down-command.ts',
  'harness/cli/keeper-status.ts',
);

async function up(): Promise<KeeperInfo> {
  const r = await runCliJson<KeeperInfo>(['up', '-p', PROFILE, '--json']);
  expect(r.code).toBe(0);
  started.push(r.json.runId);
  return r.json;
}

async function status(runId: string): Promise<StatusResult> {
  const r = await runCliJson<StatusResult>(['status', '--run', runId, '--json']);
  expect(r.code).toBe(0);
  return r.json;
}

const mqttServer = (s: StatusResult, node: string) =>
  s.servers.find((v) => v.backend === 'emqx_tcp_back' && v.node === node)!;

afterAll(async () => {
  // Whatever a failed assertion left running goes down here.
  for (const runId of started) if (existsSync(new RunDir(runId).path)) await runCli(['down', '--run', runId]);
  for (const { runId, env } of privateRuns)
    if (existsSync(path.join(env.MQTT_LB_STATE_DIR!, 'runs', runId))) await runCli(['down', '--run', runId], { env });
}, 60_000);

describe('mqtt-lb up / status / fault / down from separate shells', () => {
  test('up prints the endpoints and returns; status, fault and down act on it; nothing is left behind', async () => {
    const info = await up();
    expect(info.deployment.endpoints.mqtt).toMatch(/^mqtt:\/\/127\.0\.\d+\.10:\d+$/);
    expect(info.deployment.broker.nodes.map((n) => n.name)).toEqual(['node1', 'node2', 'node3']);
    expect(upRuns().map((r) => r.runId)).toContain(info.runId); // `current` may name a parallel test's `up`: see below
    expect(isAlive(info.pid)).toBe(true);

    const before = await status(info.runId);
    expect(before.nodes.map((n) => [n.name, n.api, n.process?.state])).toEqual([
      ['node1', 'ok', 'running'],
      ['node2', 'ok', 'running'],
      ['node3', 'ok', 'running'],
    ]);
    expect(before.servers.filter((s) => s.backend === 'emqx_tcp_back').map((s) => s.status)).toEqual([
      'UP',
      'UP',
      'UP',
    ]);

    // pause = a hung node: the process is stopped, and HAProxy's HTTP check (inter 1s fall 2) marks it DOWN.
    expect((await runCli(['fault', 'pause', 'node2', '--run', info.runId])).code).toBe(0);
    const paused = await waitFor(
      async () => {
        const s = await status(info.runId);
        return mqttServer(s, 'node2').status === 'DOWN' ? s : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 500, what: 'HAProxy to mark the paused node2 DOWN' },
    );
    expect(paused.nodes[1]).toMatchObject({
      name: 'node2',
      process: { state: 'paused' },
      lastFault: { verb: 'pause' },
    });
    expect(mqttServer(paused, 'node1').status).toBe('UP');

    expect((await runCli(['fault', 'resume', 'node2', '--run', info.runId])).code).toBe(0);
    await waitFor(async () => mqttServer(await status(info.runId), 'node2').status === 'UP', {
      timeoutMs: 15_000,
      intervalMs: 500,
      what: 'node2 back UP',
    });

    const killed = await runCli(['fault', 'kill', 'node3', '--run', info.runId]);
    expect(killed.code).toBe(0);
    expect(killed.stdout).toMatch(/node3: kill done/);
    expect((await status(info.runId)).nodes[2]).toMatchObject({ process: { state: 'gone' } });
    expect((await runCli(['fault', 'restart', 'node3', '--run', info.runId])).code).toBe(0);
    expect((await status(info.runId)).nodes[2]).toMatchObject({ api: 'ok', process: { state: 'running' } });

    const bad = await runCli(['fault', 'kill', 'node9', '--run', info.runId]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no node 'node9'.*node1, node2, node3/);

    const text = await runCli(['status', '--run', info.runId]);
    expect(text.stdout).toMatch(/emqx_tcp_back\s+emqx_node_1\s+node1\s+UP/);

    const pids = processesOfRun(info.runId);
    expect(pids).toContain(info.pid);
    expect(pids.length).toBeGreaterThanOrEqual(5); // keeper, 3 nodes, haproxy (redis-server overwrites its environ)
    const recorded = new RunDir(info.runId).pids().map((p) => p.pid);
    expect(recorded.length).toBeGreaterThanOrEqual(5); // redis, 3 nodes, haproxy

    const down = await runCli(['down', '--run', info.runId]);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/down \(stopped by its keeper\)/);
    expect(processesOfRun(info.runId)).toEqual([]);
    expect([info.pid, ...recorded].filter(isAlive)).toEqual([]);
    expect(existsSync(new RunDir(info.runId).path)).toBe(false);
    expect(readCurrent()).not.toBe(info.runId);
    expect((await runCli(['status', '--run', info.runId])).code).toBe(2);
  }, 120_000);

  test('down cleans up after a keeper that was SIGKILLed', async () => {
    // A private state directory: no other run's leftover sweep may remove this run before `down` gets to it.
    const env = { MQTT_LB_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-cli-up-')) };
    const r = await runCliJson<KeeperInfo>(['up', '-p', PROFILE, '--json'], { env });
    expect(r.code).toBe(0);
    const info = r.json;
    privateRuns.push({ runId: info.runId, env });
    // Without --run, commands act on the current (latest) `up` of this state directory.
    const current = await runCliJson<StatusResult>(['status', '--json'], { env });
    expect(current.json.runId).toBe(info.runId);
    process.kill(info.pid, 'SIGKILL');
    await waitFor(() => !isAlive(info.pid), { timeoutMs: 5000, what: 'the keeper to die' });
    const st = await runCli(['status'], { env });
    expect(st.code).toBe(1);
    expect(st.stderr).toMatch(/keeper .*gone or hung/);
    const down = await runCli(['down'], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/keeper gone/);
    await waitFor(() => processesOfRun(info.runId).length === 0, { timeoutMs: 5000, what: 'no process of the run' });
    expect(existsSync(path.join(env.MQTT_LB_STATE_DIR, 'runs', info.runId))).toBe(false);
  }, 60_000);

  test('usage and configuration errors exit 2 before anything starts', async () => {
    // Four separate shells at once: none of them starts anything.
    const [bare, missing, explode, help] = await Promise.all([
      runCli(['up']),
      runCli(['up', '-p', 'fixtures/profiles/does-not-exist.yaml']),
      runCli(['fault', 'explode', 'node1']),
      runCli(['up', '--help']),
    ]);
    expect(bare.code).toBe(2);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/profile not found/);
    expect(explode.code).toBe(2);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/mqtt-lb up — start a deployment/);
    expect(help.stdout).toMatch(/Examples:/);
  });
});
