/**
 * The kernel-level network faults inside a container's own namespace (nsenter): a run-labelled redis container
 * stands in for a node (its port 6379 as the "MQTT" port). Partition makes a round trip through its published
 * port fail, heal restores it, bandwidth installs tbf on the container's eth0, healAll removes everything. Skipped with
 * the reason where docker, the image or iptables is missing.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { docker, dockerAvailable, imageAvailable, runLabels } from '../../harness/docker/engine.js';
import { NetfilterMechanism, type NodeNetTarget } from '../../harness/netfault/netfilter-mechanism.js';
import { facilities } from '../../harness/netfault/probe.js';
import { netFaultAbilities } from '../../harness/netfault/availability.js';
import { runTool } from '../../harness/netfault/exec.js';
import { newRunId } from '../../harness/proc/run-dir.js';
import { waitFor } from '../../harness/util/wait.js';

const IMAGE = 'mqtt-lb/redis:7';
const engine = await dockerAvailable(1500);
const ability = netFaultAbilities('docker', await facilities());
const skip = !engine.ok
  ? `no Docker engine (${engine.reason})`
  : !(await imageAvailable(IMAGE))
    ? `${IMAGE} is not built (bash scripts/docker/build-images.sh)`
    : ability.partition !== true
      ? ability.partition
      : undefined;
if (skip) process.stderr.write(`netfault-docker: skipped: ${skip}\n`);
const runId = newRunId();
let containerId: string | undefined;

/**
 * A redis PING through the published port: 'answered', 'silent' (no answer within `ms`), 'closed' or the error code.
 * Docker's userland proxy accepts every connect on the host side, so only a round trip shows the fault.
 */
function ping(port: number, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (outcome: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('silent'), ms);
    socket.once('connect', () => void socket.write('PING\r\n'));
    socket.once('data', (b: Buffer) => done(b.toString().startsWith('+PONG') ? 'answered' : 'garbled'));
    socket.once('close', () => done('closed'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? 'error'));
  });
}

afterAll(async () => {
  if (containerId) await docker().getContainer(containerId).remove({ force: true });
}, 30_000);

describe('network faults inside a container namespace', () => {
  (skip ? test.skip : test)(
    'partition, heal and bandwidth in the container namespace; healAll leaves nothing',
    async () => {
      const c = await docker().createContainer({
        Image: IMAGE,
        Cmd: ['redis-server', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
        Labels: runLabels(runId),
        ExposedPorts: { '6379/tcp': {} },
        HostConfig: { PortBindings: { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
      });
      containerId = c.id;
      await c.start();
      const info = await c.inspect();
      const port = Number(info.NetworkSettings.Ports['6379/tcp']![0]!.HostPort);
      const pid = String(info.State.Pid);
      await waitFor(async () => (await ping(port, 1000)) === 'answered', {
        timeoutMs: 15_000,
        intervalMs: 200,
        what: 'redis in the container to accept connections',
      });
      const target: NodeNetTarget = {
        node: 'node1',
        ports: [6379],
        iface: 'eth0',
        ns: { key: `pid:${pid}`, label: "node1's container namespace", prefix: ['nsenter', '-t', pid, '-n'] },
      };
      const m = new NetfilterMechanism({ runtime: 'docker', runId, resolve: () => Promise.resolve(target) });

      const receipt = await m.apply('node1', { verb: 'partition' });
      expect(receipt.mechanism).toBe(`iptables (chain ${m.chain} in node1's container namespace)`);
      expect(await ping(port, 1500)).not.toBe('answered');
      await m.apply('node1', { verb: 'heal' });
      expect(await ping(port, 2000)).toBe('answered');

      if ((await m.availability('bandwidth')) === true) {
        const bw = await m.apply('node1', { verb: 'bandwidth', rate: '800kbit' });
        expect(bw.mechanism).toBe("tc tbf (eth0 in node1's container namespace)");
        const q = await runTool(['nsenter', '-t', pid, '-n', 'tc', 'qdisc', 'show', 'dev', 'eth0']);
        expect(q.stdout).toMatch(/tbf .*rate 800Kbit/);
      }
      await m.apply('node1', { verb: 'reset' });
      expect(await ping(port, 2000)).not.toBe('answered');

      await m.healAll();
      expect((await runTool(['nsenter', '-t', pid, '-n', 'iptables', '-w', '-S', m.chain])).code).not.toBe(0);
      const q = await runTool(['nsenter', '-t', pid, '-n', 'tc', 'qdisc', 'show', 'dev', 'eth0']);
      expect(q.stdout).not.toMatch(/tbf/);
      expect(await ping(port, 2000)).toBe('answered');
    },
    60_000,
  );
});
