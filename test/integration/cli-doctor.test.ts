/** `mqtt-lb doctor`: reports what this machine has, and the exact install command for what it lacks. */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Check } from '../../harness/cli/doctor-checks.js';
import { RABBITMQ_SERVER } from '../../harness/local/rabbitmq/node.js';
import { assertBuilt, runCli, runCliJson } from './cli-helpers.js';

assertBuilt('harness/cli/doctor-checks.ts', 'harness/cli/doctor-command.ts', 'harness/cli/doctor-profile.ts');

const RABBIT_PROFILE = 'fixtures/profiles/nightly/rabbitmq-haproxy-roundrobin.yaml';

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

  test('rabbitmq-server is checked only for a profile that asks for it (-p), as a required program', async () => {
    const plain = await runCliJson<Doctor>(['doctor', '--json']);
    expect(plain.json.checks.map((c) => c.name)).not.toContain('rabbitmq-server');
    const standin = await runCliJson<Doctor>(['doctor', '--json', '-p', 'fixtures/profiles/haproxy-roundrobin.yaml']);
    expect(standin.json.checks.map((c) => c.name)).not.toContain('rabbitmq-server');
    const { json } = await runCliJson<Doctor>(['doctor', '--json', '-p', RABBIT_PROFILE]);
    const rabbit = json.checks.find((c) => c.name === 'rabbitmq-server');
    expect(rabbit).toMatchObject({ required: true, apt: 'rabbitmq-server', ok: existsSync(RABBITMQ_SERVER) });
    expect(rabbit?.forWhat).toMatch(
      /broker kind rabbitmq on the local runtime \(profile rabbitmq-haproxy-roundrobin\)/,
    );
    if (!rabbit?.ok) expect(json.install.join('\n')).toMatch(/apt-get install -y .*rabbitmq-server/);
  });
});
