/**
 * The docker runtime end to end on a real engine, with the locally built images: the fault verbs observed through
 * HAProxy's own view, the stand-in on a plain Node base image (the path users without our images take),
 * `runtime: auto` falling back with a reason, cleanup (stop, Ctrl-C, crashed runs) and EMQX's start wait, after the
 * suites through the balancer containers (CLI; docker-suites-cli.ts). Skipped — with the reason printed and in the
 * test names — when no engine answers or the images are missing. One file, so its docker runs never overlap.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import '../../harness/docker/env.js';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUN_LABEL, RUN_PID_LABEL, docker, runLabels, sweepRun } from '../../harness/docker/engine.js';
import { startRunNetwork } from '../../harness/docker/net-container.js';
import { startRunContainer } from '../../harness/docker/run-container.js';
import { waitStrategyOf } from '../../harness/docker/waits.js';
import { defineEmqxCluster } from '../../harness/docker/brokers/emqx.js';
import { standinKind } from '../../harness/docker/brokers/standin.js';
import { IMAGES } from '../../harness/docker/images.js';
import '../../harness/docker/register.js';
import { chooseRuntime } from '../../harness/runtime/choose.js';
import { startDeployment } from '../../harness/deployment.js';
import { loadProfile } from '../../harness/profile/load.js';
import { RunDir, newRunId } from '../../harness/proc/run-dir.js';
import { canConnect } from '../../harness/net/ports.js';
import { waitFor, withTimeout } from '../../harness/util/wait.js';
import type { Deployment, NodeName } from '../../harness/types.js';
import { ROOT, assertBuilt } from './cli-helpers.js';
import { NIGHTLY } from '../helpers/tier.js';
import { DOCKER_FAILOVER_NIGHTLY, TS_PROXY_PROFILE, runSuitesViaCli, tsProxySkip } from './docker-suites-cli.js';
import { PROFILE, labelled, suite, title } from './docker-runtime-gate.js';

suite(title('docker runtime: suites through the HAProxy container (CLI)'), () => {
  test(`pubsub${NIGHTLY ? ', failover' : ''} and fairness pass on the docker runtime; nothing of the runs survives them${NIGHTLY ? '' : ` (failover: ${DOCKER_FAILOVER_NIGHTLY})`}`, async () => {
    assertBuilt('harness/docker/runtime.ts', 'harness/docker/cluster.ts');
    await runSuitesViaCli(
      PROFILE,
      /mqtt-lb\/haproxy:2\.6/,
      NIGHTLY ? ['pubsub', 'failover', 'fairness'] : ['pubsub', 'fairness'],
    );
  }, 660_000);
});

describe('docker runtime: suites through the TS-proxy container (CLI)', () => {
  (tsProxySkip ? test.skip : test)(
    `pubsub, failover and fairness pass through the TS-proxy container${tsProxySkip ? ` (skipped: ${tsProxySkip})` : ''}`,
    async () => {
      await runSuitesViaCli(TS_PROXY_PROFILE, /ts-proxy/);
    },
    660_000,
  );
});

suite(title('docker runtime: fault verbs observed through HAProxy, stand-in on a plain Node base image'), () => {
  let d: Deployment & { runDir: RunDir };
  const saved = { ...process.env };
  const staleRun = `crashed-${newRunId()}`;
  const status = async (node: NodeName): Promise<string | undefined> =>
    (await d.balancerView!.servers()).find((s) => s.backend === 'emqx_tcp_back' && s.node === node)?.status;
  const until = (node: NodeName, want: string, timeoutMs = 15_000): Promise<string> =>
    waitFor(async () => ((await status(node)) === want ? want : undefined), {
      timeoutMs,
      intervalMs: 100,
      what: `HAProxy to report ${node} ${want}`,
    });

  beforeAll(async () => {
    // a crashed run's network: owner pid of a process that no longer exists
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await docker().createNetwork({
      Name: `mqtt-lb-${staleRun}`,
      Labels: { ...runLabels(staleRun), [RUN_PID_LABEL]: String(gone.pid) },
    });
    // no app image: the official-image path (Node base + the built stand-in copied in), with the local Node image
    process.env.MQTT_LB_NODE_IMAGE = IMAGES.node;
    process.env.MQTT_LB_STANDIN_IMAGE = IMAGES.node;
    d = await startDeployment(loadProfile(PROFILE), { progress: (m) => console.log(`[docker-runtime] ${m}`) });
  }, 120_000);

  afterAll(async () => {
    process.env = { ...saved };
    const runId = d?.runId;
    await d?.stop();
    if (runId) expect(await labelled(runId)).toEqual({ containers: 0, networks: 0 });
  }, 60_000);

  test('a crashed run (owner process gone) was swept when this deployment started', async () => {
    expect(await labelled(staleRun)).toEqual({ containers: 0, networks: 0 });
  });

  test('nodes run the staged stand-in on the Node base image, on the run network by alias', async () => {
    const c = (await docker().listContainers({ filters: { label: [`${RUN_LABEL}=${d.runId}`] } })).filter((x) =>
      /-node\d$/.test(x.Names[0] ?? ''),
    );
    expect(c.map((x) => x.Image)).toEqual([IMAGES.node, IMAGES.node, IMAGES.node]);
    expect(d.nodes.map((n) => [n.name, n.brokerNode, n.upstreamMqtt.host, n.mqtt.host])).toEqual(
      [1, 2, 3].map((i) => [`node${i}`, `node${i}`, `node${i}`, '127.0.0.1']),
    );
    expect(d.balancer.mapping.filter((m) => m.backend === 'emqx_tcp_back').map((m) => m.mapped)).toEqual([
      'node1:1883',
      'node2:1883',
      'node3:1883',
    ]);
  });

  test('kill: HAProxy marks the node DOWN and its published port refuses; restart: same ports and address, UP again', async () => {
    const node2 = d.nodes[1]!;
    const ip = async (): Promise<string> => {
      const c = (
        await docker().listContainers({ filters: { label: [`${RUN_LABEL}=${d.runId}`], name: [`${d.runId}-node2`] } })
      )[0]!;
      return Object.values(c.NetworkSettings.Networks)[0]!.IPAddress;
    };
    const ipBefore = await ip();
    const t0 = Date.now();
    await d.fault('node2', 'kill');
    expect(await canConnect(node2.mqtt.host, node2.mqtt.port, 500)).toBe(false);
    await until('node2', 'DOWN');
    const downMs = Date.now() - t0;
    const t1 = Date.now();
    await d.fault('node2', 'restart');
    const restartMs = Date.now() - t1;
    expect(d.nodes[1]).toEqual(node2);
    expect(await ip()).toBe(ipBefore);
    expect((await d.nodeApi('node2').status()).ok).toBe(true);
    await until('node2', 'UP');
    console.log(
      `[docker-runtime] kill → DOWN in HAProxy ${downMs} ms; restart (until serving) ${restartMs} ms, UP ${Date.now() - t1} ms`,
    );
  });

  test('pause: a hung node still accepts TCP on its port, HAProxy takes it out by its HTTP check; resume brings it back', async () => {
    const node3 = d.nodes[2]!;
    const t0 = Date.now();
    await d.fault('node3', 'pause');
    expect(await canConnect(node3.mqtt.host, node3.mqtt.port, 500)).toBe(true);
    await expect(d.nodeApi('node3').status()).rejects.toThrow();
    await until('node3', 'DOWN');
    const downMs = Date.now() - t0;
    await d.fault('node3', 'resume');
    await until('node3', 'UP');
    expect((await d.nodeApi('node3').status()).ok).toBe(true);
    console.log(`[docker-runtime] pause → DOWN in HAProxy ${downMs} ms; resume → UP ${Date.now() - t0 - downMs} ms`);
  });
});

suite(title('docker runtime: runtime auto and Ctrl-C'), () => {
  test('runtime auto: docker when the engine answers and the images exist; else local, saying why in one line', async () => {
    const runDir = new RunDir(`auto-${newRunId()}`);
    const said: string[] = [];
    const say = (m: string): void => void said.push(m);
    const profile = loadProfile(PROFILE, { runtime: 'auto' });
    const rt = await chooseRuntime(profile, runDir, say);
    expect(rt.name).toBe('docker');
    await rt.stop();
    // an image that exists nowhere (its registry is a closed loopback port, so nothing leaves the machine)
    const absent = await chooseRuntime(
      { ...profile, broker: { ...profile.broker, image: 'localhost:1/mqtt-lb-absent:1' } },
      runDir,
      say,
    );
    expect(absent.name).toBe('local');
    expect(said.at(-1)).toMatch(
      /^runtime auto → local: image\(s\) neither present nor pullable: localhost:1\/mqtt-lb-absent:1 \(/,
    );
    expect(said.at(-1)).not.toContain('\n');
    const savedHost = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:1';
    try {
      expect((await chooseRuntime(profile, runDir, say)).name).toBe('local');
      expect(said.at(-1)).toMatch(/^runtime auto → local: no Docker engine answers \(.*ECONNREFUSED/);
    } finally {
      if (savedHost === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = savedHost;
    }
  }, 60_000);

  test('Ctrl-C in the middle of a docker run leaves no container or network of the run', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'mlb-docker-sigint-'));
    const child = spawn(
      process.execPath,
      ['bin/mqtt-lb.js', 'run', '--profile', PROFILE, '--suites', 'pubsub', '--out', out],
      {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, MQTT_LB_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'mlb-docker-sigint-state-')) },
      },
    );
    let err = '';
    child.stderr.on('data', (c: Buffer) => void (err += c.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => /haproxy .* up: MQTT/.test(err), { timeoutMs: 90_000, what: 'the docker deployment to be up' });
    const runId = /run (\S+): starting/.exec(err)![1]!;
    expect((await labelled(runId)).containers).toBeGreaterThanOrEqual(5);
    const t0 = Date.now();
    process.kill(-child.pid!, 'SIGINT');
    expect(await withTimeout(exited, 30_000, 'mqtt-lb to exit after SIGINT')).not.toBe(0);
    const exitMs = Date.now() - t0;
    // Jest (which runs the suites) dies of the signal; the run's reaper sees its owner gone and removes everything.
    await waitFor(async () => (await labelled(runId)).containers + (await labelled(runId)).networks === 0, {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: `every container and network of run ${runId} to be removed`,
    });
    console.log(`[docker-runtime] SIGINT → exit ${exitMs} ms, everything of the run removed ${Date.now() - t0} ms`);
  }, 150_000);
});

suite(title("docker runtime: EMQX's start wait on a real container"), () => {
  const runDir = new RunDir(`emqx-wait-${newRunId()}`).create('run');
  afterAll(async () => {
    await sweepRun(runDir.runId);
    runDir.remove();
  });

  test('the EMQX node wait (GET /status on 18083 → 200) passes for a serving node and fails fast, with its logs, for one that exits', async () => {
    const emqxWait = defineEmqxCluster({
      runId: runDir.runId,
      nodes: 1,
      image: 'unused',
      trustProxy: false,
      heartbeatMs: 2000,
    }).nodes[0]!.wait;
    const standin = standinKind.define({
      runId: runDir.runId,
      nodes: 1,
      image: IMAGES.standin,
      trustProxy: false,
      heartbeatMs: 2000,
      serviceImage: IMAGES.redis,
    });
    const network = await startRunNetwork(runDir.runId);
    const redis = standin.services[0]!;
    await startRunContainer(
      {
        name: 'redis',
        image: redis.image,
        aliases: [redis.alias],
        command: redis.command,
        ports: [],
        wait: waitStrategyOf(redis.wait),
      },
      network,
      runDir,
    );
    const n = standin.nodes[0]!;
    const t0 = Date.now();
    const node = await startRunContainer(
      {
        name: 'node1',
        image: n.image,
        aliases: [n.alias],
        command: n.command,
        ports: [1883, 18083],
        wait: waitStrategyOf(emqxWait),
      },
      network,
      runDir,
    );
    const upMs = Date.now() - t0;
    expect((await fetch(`http://127.0.0.1:${node.hostPort(18083)}/status`)).status).toBe(200);
    const t1 = Date.now();
    const broken = startRunContainer(
      {
        name: 'node2',
        image: n.image,
        aliases: ['node2'],
        command: [
          '--name',
          'node2',
          '--bind',
          '0.0.0.0',
          '--mqtt-port',
          '1883',
          '--http-port',
          '18083',
          '--redis',
          'no-such-host:6379',
        ],
        ports: [1883, 18083],
        wait: waitStrategyOf(emqxWait),
      },
      network,
      runDir,
    );
    await expect(broken).rejects.toThrow(/container node2 .* did not start[\s\S]*last log lines/);
    const failMs = Date.now() - t1;
    expect(failMs).toBeLessThan(20_000);
    expect((await labelled(runDir.runId)).containers).toBe(2);
    console.log(`[docker-runtime] HTTP /status wait: up ${upMs} ms; exited container reported in ${failMs} ms`);
  }, 60_000);
});
