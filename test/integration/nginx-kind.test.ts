/**
 * The NGINX kind on the local runtime with a real nginx: started by the generic local placement in front of a stand-in
 * cluster, MQTT through it, a SIGHUP reload that keeps an established connection, a stop that leaves no nginx
 * process, and a config with a bad directive refused with an error naming the user's file and line.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startDeployment } from '../../harness/deployment.js';
import { loadProfile } from '../../harness/profile/load.js';
import { ConfigError } from '../../harness/errors.js';
import { waitFor } from '../../harness/util/wait.js';
import type { Deployment } from '../../harness/types.js';
import { closeAllClients, openConnected, waitForMessages } from '../helpers/mqtt-clients.js';
import { tmpFile } from '../helpers/files.js';

const PROFILE = 'fixtures/profiles/nginx-least-conn.yaml';
const quiet = (): void => undefined;

/** The master's pid (its pid file, named by the config as run) and its workers (the master's children). */
function nginxPids(d: Deployment): { master: number; workers: number[] } {
  const pidFile = /\bpid (\S+);/.exec(d.balancer.configAsRun ?? '')?.[1];
  if (!pidFile) throw new Error('the config as run names no pid file');
  const master = Number(readFileSync(pidFile, 'utf8').trim());
  const children = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim();
  return { master, workers: children ? children.split(/\s+/).map(Number) : [] };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('NGINX kind on the local runtime', () => {
  let d: (Deployment & { runDir: unknown }) | undefined;
  beforeAll(async () => {
    d = await startDeployment(loadProfile(PROFILE), { progress: quiet });
  }, 60_000);
  afterAll(async () => {
    closeAllClients();
    await d?.stop();
  });

  test('MQTT through NGINX: a message published through it reaches a subscriber through it', async () => {
    const { host, port } = d!.endpoints.mqtt;
    expect(d!.balancer.kind).toBe('nginx');
    const sub = await openConnected(host, port, { clientId: 'nginx-it-sub' });
    await sub.client.subscribeAsync('nginx/it', { qos: 1 });
    const pub = await openConnected(host, port, { clientId: 'nginx-it-pub' });
    await pub.client.publishAsync('nginx/it', 'through nginx', { qos: 1 });
    const got = await waitForMessages(sub, 1, 'the message through NGINX');
    expect(got[0]).toMatchObject({ topic: 'nginx/it', payload: 'through nginx' });
  });

  test('reload (SIGHUP) starts new workers and keeps an established connection working', async () => {
    const { host, port } = d!.endpoints.mqtt;
    const before = nginxPids(d!);
    const kept = await openConnected(host, port, { clientId: 'nginx-it-kept' });
    await kept.client.subscribeAsync('nginx/reload', { qos: 1 });
    await d!.reloadBalancer!();
    const after = await waitFor(
      () => {
        const p = nginxPids(d!);
        return p.workers.some((w) => !before.workers.includes(w)) ? p : undefined;
      },
      { timeoutMs: 10_000, what: 'new nginx workers after the reload' },
    );
    expect(after.master).toBe(before.master);
    // The old worker keeps serving the established connection (graceful shutdown waits for it).
    const pub = await openConnected(host, port, { clientId: 'nginx-it-after-reload' });
    await pub.client.publishAsync('nginx/reload', 'after reload', { qos: 1 });
    const got = await waitForMessages(kept, 1, 'the message on the connection established before the reload');
    expect(got[0]!.payload).toBe('after reload');
    expect(kept.closed()).toBe(false);
  });

  test('stop leaves no nginx process behind', async () => {
    const { master, workers } = nginxPids(d!);
    closeAllClients();
    await d!.stop();
    d = undefined;
    const left = await waitFor(() => ([master, ...workers].some(alive) ? undefined : true), {
      timeoutMs: 5000,
      what: 'the nginx master and workers to exit',
    });
    expect(left).toBe(true);
  });
});

describe('NGINX kind: a config nginx rejects', () => {
  test("a bad directive → an error naming the user's file and line", async () => {
    const good = path.resolve('fixtures/real-world/nginx/good/02-hardened-least-conn.conf');
    const lines = readFileSync(good, 'utf8').split('\n');
    const at = lines.findIndex((l) => /^\s*proxy_connect_timeout/.test(l));
    lines[at] = lines[at]!.replace('proxy_connect_timeout', 'proxy_conect_timeout');
    const conf = tmpFile('nginx.conf', lines.join('\n'));
    const profile = path.join(path.dirname(conf), 'profile.yaml');
    writeFileSync(
      profile,
      `name: nginx-bad-directive\nruntime: local\nbroker:\n  kind: standin\n  nodes: 3\nbalancer:\n  kind: nginx\n  config: nginx.conf\n`,
    );
    const err = await startDeployment(loadProfile(profile), { progress: quiet }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect({ file: e.file, line: e.line }).toEqual({ file: conf, line: at + 1 });
    expect(e.message).toMatch(/unknown directive "proxy_conect_timeout"/);
  }, 60_000);
});
