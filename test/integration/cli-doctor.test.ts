/** `mqtt-lb doctor`: reports what this machine has, and the exact install command for what it lacks. */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Check } from '../../harness/cli/doctor-checks.js';
import { assertBuilt, runCli, runCliJson } from './cli-helpers.js';

assertBuilt('harness/cli/doctor-checks.ts', 'harness/cli/doctor-command.ts');

type Doctor = { checks: Check[]; install: string[]; ready: boolean };
const onPath = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

describe('mqtt-lb doctor', () => {
  test('agrees with the machine about each program, and exits 0 only when the required ones are there', async () => {
    const { code, json } = await runCliJson<Doctor>(['doctor', '--json']);
    const byName = new Map(json.checks.map((c) => [c.name, c]));
    for (const bin of ['haproxy', 'redis-server', 'mosquitto_pub', 'chromium'])
      expect(byName.get(bin)?.ok).toBe(onPath(bin));
    expect(byName.get('node')).toMatchObject({ ok: true, detail: `v${process.versions.node}` });
    expect(byName.has('docker engine')).toBe(true);
    expect(code).toBe(json.ready ? 0 : 1);
    expect(json.ready).toBe(json.checks.filter((c) => c.required).every((c) => c.ok));
  });

  test('on a machine without the programs it names each one and prints one apt-get line for them', async () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-doctor-'));
    symlinkSync('/bin/sh', path.join(bare, 'sh'));
    const r = await runCli(['doctor'], { env: { PATH: bare } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ haproxy\s+not found on PATH/);
    expect(r.stdout).toMatch(/✗ redis-server\s+not found on PATH/);
    expect(r.stdout).toMatch(
      /apt-get install -y haproxy nginx libnginx-mod-stream redis-server mosquitto-clients coreutils util-linux chromium/,
    );
    expect(r.stdout).toMatch(/Not ready: haproxy, redis-server/);
  });
});
