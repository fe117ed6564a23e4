/**
 * `mqtt-lb fault partition|heal|loss` on a running `mqtt-lb up` deployment (local runtime, iptables): a partition
 * makes a direct connect to node2's MQTT port time out and HAProxy's TCP check mark it DOWN while its HTTP API still
 * answers; heal brings it back UP; `down` leaves no rule behind. Skipped with the reason where iptables is missing.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { RunDir } from '../../harness/proc/run-dir.js';
import type { KeeperInfo } from '../../harness/cli/run-state.js';
import type { StatusResult } from '../../harness/cli/keeper-status.js';
import { waitFor } from '../../harness/util/wait.js';
import { facilities } from '../../harness/netfault/probe.js';
import { netFaultAbilities } from '../../harness/netfault/availability.js';
import { chainName } from '../../harness/netfault/iptables-rules.js';
import { runTool } from '../../harness/netfault/exec.js';
import { assertBuilt, runCli, runCliJson } from './cli-helpers.js';

// The guide's config: plain TCP `check` on the MQTT port (inter 2s, fall 3, rise 2), so a partition shows as DOWN.
const PROFILE = 'fixtures/profiles/guide-haproxy-roundrobin.yaml';
const started: string[] = [];
const abilities = netFaultAbilities('local', await facilities());
const skip = abilities.partition === true ? undefined : abilities.partition;
if (skip) process.stderr.write(`cli-netfault: skipped: ${skip}\n`);

assertBuilt('harness/cli/keeper.ts', 'harness/cli/fault-command.ts', 'harness/netfault/netfilter-mechanism.ts');

/** A TCP connect to `host:port`: 'connected', 'timeout' (no answer within `ms`), or the error code. */
function tcpConnect(address: string, ms: number): Promise<string> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    const done = (outcome: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('timeout'), ms);
    socket.once('connect', () => done('connected'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? 'error'));
  });
}

async function status(runId: string): Promise<StatusResult> {
  const r = await runCliJson<StatusResult>(['status', '--run', runId, '--json']);
  expect(r.code).toBe(0);
  return r.json;
}

const mqttServer = (s: StatusResult, node: string) =>
  s.servers.find((v) => v.backend === 'emqx_tcp_back' && v.node === node)!;

async function chainPresent(runId: string): Promise<boolean> {
  return (await runTool(['iptables', '-w', '-S', chainName(runId)])).code === 0;
}

afterAll(async () => {
  for (const runId of started) if (existsSync(new RunDir(runId).path)) await runCli(['down', '--run', runId]);
}, 60_000);

describe('mqtt-lb fault: network verbs on an up deployment', () => {
  (skip ? test.skip : test)(
    'partition node2 cuts its MQTT port (HAProxy marks it DOWN, its API still answers), heal brings it UP, down removes the chain',
    async () => {
      const r = await runCliJson<KeeperInfo>(['up', '-p', PROFILE, '--json']);
      expect(r.code).toBe(0);
      const runId = r.json.runId;
      started.push(runId);
      const before = await status(runId);
      const node2 = before.nodes.find((n) => n.name === 'node2')!;
      expect(await tcpConnect(node2.mqtt, 2000)).toBe('connected');

      const part = await runCli(['fault', 'partition', 'node2', '--run', runId]);
      expect(part.stderr).toBe('');
      expect(part.code).toBe(0);
      expect(part.stdout).toMatch(
        /node2: partition done .* iptables \(chain MQTTLB-[0-9a-f]{8} in the host namespace\)/,
      );
      expect(await chainPresent(runId)).toBe(true);
      expect(await tcpConnect(node2.mqtt, 1500)).toBe('timeout');
      const down = await waitFor(
        async () => {
          const s = await status(runId);
          return mqttServer(s, 'node2').status === 'DOWN' ? s : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 500, what: 'HAProxy to mark the partitioned node2 DOWN' },
      );
      expect(mqttServer(down, 'node1').status).toBe('UP');
      expect(down.nodes.find((n) => n.name === 'node2')).toMatchObject({
        api: 'ok', // the HTTP node API is left reachable: the harness observes through it
        lastFault: { verb: 'partition', mechanism: expect.stringMatching(/^iptables/) },
      });

      expect((await runCli(['fault', 'heal', 'node2', '--run', runId])).code).toBe(0);
      expect(await tcpConnect(node2.mqtt, 2000)).toBe('connected');
      await waitFor(async () => mqttServer(await status(runId), 'node2').status === 'UP', {
        timeoutMs: 20_000,
        intervalMs: 500,
        what: 'node2 back UP after heal',
      });

      const loss = await runCli(['fault', 'loss', 'node2', '10', '--run', runId]);
      expect(loss.code).toBe(0);
      expect(loss.stdout).toMatch(/node2: loss done .* iptables .*rule\(s\) on 127\.0\.\d+\.2 tcp ports/);
      const bw = await runCli(['fault', 'bandwidth', 'node2', '800kbit', '--run', runId]);
      expect(bw.code).toBe(1);
      expect(bw.stderr).toMatch(/bandwidth needs the TS-proxy hop/);
      const bad = await runCli(['fault', 'loss', 'node2', '--run', runId]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/expected: loss <node> <pct>/);

      const stopped = await runCli(['down', '--run', runId]);
      expect(stopped.code).toBe(0);
      expect(await chainPresent(runId)).toBe(false);
      const jumps = await runTool(['iptables', '-w', '-S', 'INPUT']);
      expect(jumps.stdout).not.toContain(runId);
    },
    150_000,
  );
});
