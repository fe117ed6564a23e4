/**
 * Nothing of a run is left behind: Ctrl-C mid-run stops every process of the run, and the leftovers
 * of a crashed run are swept by the next one (only processes proven to belong to that run).
 */
import { describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor, withTimeout } from '../../harness/util/wait.js';
import { RunDir } from '../../harness/proc/run-dir.js';
import { RUN_ID_ENV, isAlive } from '../../harness/proc/identity.js';
import { sweepStaleRuns } from '../../harness/proc/sweep.js';

/** Pids of live processes whose environment contains `needle`. */
function processesWithEnv(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const state = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (state.slice(state.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(needle)) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('cleanup', () => {
  test('Ctrl-C in the middle of `mqtt-lb run` leaves no process of the run', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-sigint-'));
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-sigint-out-'));
    const child = spawn(
      process.execPath,
      [
        'bin/mqtt-lb.js',
        'run',
        '--profile',
        'fixtures/profiles/haproxy-roundrobin.yaml',
        '--suites',
        'pubsub',
        '--out',
        outDir,
      ],
      {
        detached: true, // its own process group, like a shell job: SIGINT goes to the whole group
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, MQTT_LB_STATE_DIR: stateDir },
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => /haproxy .* up: MQTT/.test(err), { timeoutMs: 60_000, what: 'the deployment to be up' });
    expect(processesWithEnv(`MQTT_LB_STATE_DIR=${stateDir}`).length).toBeGreaterThanOrEqual(5);
    process.kill(-child.pid!, 'SIGINT');
    const code = await withTimeout(exited, 20_000, 'mqtt-lb to exit after SIGINT');
    expect(code).not.toBe(0);
    await waitFor(() => processesWithEnv(`MQTT_LB_STATE_DIR=${stateDir}`).length === 0, {
      timeoutMs: 10_000,
      what: 'every process of the run to be gone',
    });
  }, 90_000);

  test("a crashed run's leftovers are swept: its processes killed, others left alone", async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-sweep-'));
    process.env.MQTT_LB_STATE_DIR = stateDir;
    try {
      const deadOwner = spawnSync('true').pid!;
      const run = new RunDir('crashed-run').create('run');
      const ownerFile = path.join(run.path, 'owner.json');
      const owner = JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid: number };
      owner.pid = deadOwner;
      (await import('node:fs')).writeFileSync(ownerFile, JSON.stringify(owner));
      const ours = spawn('sleep', ['60'], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, [RUN_ID_ENV]: 'crashed-run' },
      });
      const stranger = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
      run.recordPid({ name: 'ours', pid: ours.pid!, runId: 'crashed-run', command: 'sleep 60', startedAt: '' });
      run.recordPid({
        name: 'reused-pid',
        pid: stranger.pid!,
        runId: 'crashed-run',
        command: 'sleep 60',
        startedAt: '',
      });
      await waitFor(() => readFileSync(`/proc/${ours.pid}/environ`, 'latin1').includes(RUN_ID_ENV), {
        timeoutMs: 2000,
        what: 'sleep to exec',
      });
      expect(sweepStaleRuns()).toEqual(['crashed-run']);
      await waitFor(() => !isAlive(ours.pid!) || readFileSync(`/proc/${ours.pid}/stat`, 'latin1').includes(') Z'), {
        timeoutMs: 5000,
        what: 'the leftover to die',
      });
      expect(isAlive(stranger.pid!)).toBe(true);
      stranger.kill('SIGKILL');
    } finally {
      delete process.env.MQTT_LB_STATE_DIR;
    }
  });
});
