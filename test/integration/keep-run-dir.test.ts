/**
 * MQTT_LB_KEEP_RUN_DIR=1 keeps a run's directory: through the deployment's stop, after its owner process is gone,
 * and past the next run's sweep of crashed runs (which used to take it for a crashed run's leftovers).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sweepStaleRuns } from '../../harness/proc/sweep.js';
import { RunDir } from '../../harness/proc/run-dir.js';
import { withTimeout } from '../../harness/util/wait.js';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-keep-'));
const dist = (file: string): string => pathToFileURL(path.resolve('dist/harness', file)).href;

/** One whole run in its own process (built harness): start the profile's deployment, stop it, exit. */
async function runAndStop(profile: string, env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  const script = `
    const { startDeployment } = await import(${JSON.stringify(dist('deployment.js'))});
    const { loadProfile } = await import(${JSON.stringify(dist('profile/load.js'))});
    const d = await startDeployment(loadProfile(${JSON.stringify(profile)}), { progress: () => undefined });
    await d.stop();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MQTT_LB_STATE_DIR: stateDir, ...env },
  });
  let err = '';
  child.stderr.on('data', function onStderr(d: Buffer) {
    err += d.toString();
  });
  const code = await withTimeout(
    new Promise<number | null>((resolve) => child.once('exit', resolve)),
    60_000,
    'the run to start and stop',
  );
  return { code, err };
}

const runIds = (): string[] =>
  existsSync(path.join(stateDir, 'runs')) ? readdirSync(path.join(stateDir, 'runs')) : [];

describe('MQTT_LB_KEEP_RUN_DIR', () => {
  const saved = process.env.MQTT_LB_STATE_DIR;
  afterAll(() => {
    if (saved === undefined) delete process.env.MQTT_LB_STATE_DIR;
    else process.env.MQTT_LB_STATE_DIR = saved;
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('a kept run directory outlives its run and the next run’s sweep; without the variable it goes', async () => {
    const kept = await runAndStop('fixtures/profiles/haproxy-roundrobin.yaml', { MQTT_LB_KEEP_RUN_DIR: '1' });
    expect(kept.code).toBe(0);
    expect(kept.err).toMatch(/kept the run directory/);
    const [runId] = runIds();
    expect(runId).toBeDefined();
    const run = new RunDir(runId!, stateDir);
    expect(run.kept()).toBe(true);
    expect(run.owner()).toBeUndefined(); // no longer taken for a live or crashed run (`down`, `status`)
    expect(readdirSync(path.join(run.path, 'logs')).length).toBeGreaterThan(0);

    process.env.MQTT_LB_STATE_DIR = stateDir;
    expect(sweepStaleRuns()).not.toContain(runId); // what the next run does first
    expect(runIds()).toEqual([runId]);

    const removed = await runAndStop('fixtures/profiles/haproxy-roundrobin.yaml', { MQTT_LB_KEEP_RUN_DIR: '' });
    expect(removed.code).toBe(0);
    expect(runIds()).toEqual([runId]); // the second run's directory is gone, the kept one is still there
  }, 150_000);
});
