/**
 * The real program (proxy/main.ts bundled by esbuild) as the harness runs it:
 * `--check`, exit codes, `listening` lines, SIGHUP reload, SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type TestBroker } from './helpers/brokers.js';
import { mqttConnect } from './helpers/clients.js';
import { bundleCli, runCli, startCli, type RunningCli } from './helpers/cli.js';
import { waitFor, withTimeout } from './helpers/wait.js';

let cli: { file: string; cleanup: () => void };
let dir: string;
let brokers: TestBroker[];
const running: RunningCli[] = [];

beforeAll(async () => {
  cli = await bundleCli();
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-proxy-cli-'));
  brokers = await Promise.all(['c1', 'c2'].map(startBroker));
});
afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await Promise.all(brokers.map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
  cli.cleanup();
});

function writeConfig(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const good = (weight = 1) => `global: { maxconn: 1000, log_level: info }
admin: { bind: "127.0.0.1:0" }
frontends:
  - name: mqtt
    bind: "127.0.0.1:0"
    backend: nodes
backends:
  - name: nodes
    balance: leastconn
    health: { type: mqtt, inter: 200ms }
    servers:
      - { name: c1, address: "127.0.0.1:PORT1", weight: ${weight} }
      - { name: c2, address: "127.0.0.1:PORT2" }
`;
const withPorts = (t: string) => t.replace('PORT1', String(brokers[0].port)).replace('PORT2', String(brokers[1].port));

describe('--check', () => {
  test('a valid config exits 0', async () => {
    const file = writeConfig('ok.yaml', withPorts(good()));
    const r = await runCli(cli.file, ['--config', file, '--check']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('configuration is valid');
  });

  test('a bad config exits 2 with <file>:<line>: <key>: <message> lines', async () => {
    const file = writeConfig(
      'bad.yaml',
      withPorts(good()).replace('balance: leastconn', 'balance: lest').replace('weight: 1 }', 'weight: 1, wieght: 2 }'),
    );
    const r = await runCli(cli.file, ['--config', file, '--check']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${file}:9: backends\\[0\\]\\.balance: `)),
      `${file}:12: backends[0].servers[0].wieght: unknown key (check the spelling; proxy/README.md lists the keys of each section)`,
    ]);
  });

  test('missing TLS files are reported at the key that names them', async () => {
    const file = writeConfig(
      'tls.yaml',
      withPorts(good()).replace('    backend: nodes', '    backend: nodes\n    tls: { cert: nope.pem, key: nope.key }'),
    );
    const r = await runCli(cli.file, ['--config', file, '--check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${file}:7: frontends\\[0\\]\\.tls\\.cert: cannot read .*nope\\.pem: ENOENT`));
  });

  test('a missing file and bad arguments exit 2', async () => {
    expect((await runCli(cli.file, ['--config', path.join(dir, 'absent.yaml'), '--check'])).code).toBe(2);
    expect((await runCli(cli.file, ['--config', path.join(dir, 'ok.yaml'), '--log-level', 'loud'])).code).toBe(2);
    expect((await runCli(cli.file, ['--bogus'])).code).toBe(2);
  });
});

describe('running', () => {
  test('listening lines, SIGHUP reload keeps established connections, SIGTERM exits', async () => {
    const file = writeConfig('run.yaml', withPorts(good()));
    const proc = startCli(cli.file, ['--config', file]);
    running.push(proc);
    const mqttLine = await proc.waitForLine((l) => l.event === 'listening' && l.frontend === 'mqtt', 'mqtt listening');
    const adminLine = await proc.waitForLine(
      (l) => l.event === 'listening' && l.frontend === 'admin',
      'admin listening',
    );
    expect(mqttLine).toEqual({
      ts: expect.any(String),
      level: 'info',
      event: 'listening',
      frontend: 'mqtt',
      address: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      tls: false,
      backend: 'nodes',
    });
    const port = Number(String(mqttLine.address).split(':')[1]);
    const admin = `http://${adminLine.address}`;
    await waitFor(
      async () =>
        ((await (await fetch(`${admin}/api/servers`)).json()) as any[]).every((s) => s.checkStatus === 'L7OK'),
      'checks ok',
    );

    const client = await mqttConnect(port, { clientId: 'survives-reload' });
    writeConfig('run.yaml', withPorts(good(5)));
    proc.child.kill('SIGHUP');
    const reloaded = await proc.waitForLine((l) => l.event === 'reloaded', 'reloaded line');
    expect(reloaded.problems).toEqual([]);
    const servers = (await (await fetch(`${admin}/api/servers`)).json()) as any[];
    expect(servers.map((s) => s.weight)).toEqual([5, 1]);
    expect(servers.reduce((a, s) => a + s.current, 0)).toBe(1);
    await client.subscribeAsync('after/reload');
    const got = new Promise<string>((r) => client.once('message', (_t, p) => r(p.toString())));
    await client.publishAsync('after/reload', 'still connected');
    expect(await withTimeout(got, 3_000, 'message after reload')).toBe('still connected');

    writeConfig('run.yaml', 'frontends: []\n');
    proc.child.kill('SIGHUP');
    const failed = await proc.waitForLine((l) => l.event === 'reload-failed', 'reload-failed line');
    expect((failed.errors as string[])[0]).toMatch(/run\.yaml:1: frontends: at least one frontend/);
    expect(client.connected).toBe(true);

    proc.child.kill('SIGTERM');
    expect(await withTimeout(proc.exited, 5_000, 'exit after SIGTERM')).toBe(0);
    await waitFor(() => !client.connected, 'client disconnected');
    await client.endAsync(true);
    await expect(
      new Promise((resolve, reject) =>
        net.connect({ port, host: '127.0.0.1' }).on('connect', resolve).on('error', reject),
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  test('a port already in use exits 1 with a start-failed line', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as net.AddressInfo).port;
    const file = writeConfig(
      'taken.yaml',
      withPorts(good()).replace('bind: "127.0.0.1:0"\n    backend', `bind: "127.0.0.1:${taken}"\n    backend`),
    );
    const proc = startCli(cli.file, ['--config', file]);
    running.push(proc);
    expect(await withTimeout(proc.exited, 5_000, 'exit')).toBe(1);
    expect(proc.lines.find((l) => l.event === 'start-failed')?.error).toMatch(/EADDRINUSE/);
    blocker.close();
  });
});
