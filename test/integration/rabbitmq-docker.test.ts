/**
 * Broker kind `rabbitmq` on the docker runtime. Quick tier: a node container that exits before its management API
 * answers fails the start with the node's reason and leaves no container or network. Nightly tier (it repeats the
 * local rabbitmq-kind test's proof on another runtime, and the image build alone takes 35 s–2 min): `mqtt-lb run` on
 * the docker RabbitMQ profile, pubsub and the failover kill scenario through the HAProxy container, after building
 * mqtt-lb/rabbitmq:3.10 when it is absent. Skipped with the reason when no engine answers or base images are missing.
 */
import { describe, expect, test } from '@jest/globals';
import '../../harness/docker/env.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  RUN_PID_LABEL,
  dockerAvailable,
  listRuns,
  missingImages,
  ownerProcessAlive,
} from '../../harness/docker/engine.js';
import { BUILD_IMAGES_HINT, IMAGES } from '../../harness/docker/images.js';
import '../../harness/docker/register.js';
import { startDeployment } from '../../harness/deployment.js';
import { loadProfile } from '../../harness/profile/load.js';
import { parseSummaryFile } from '../../harness/report/index.js';
import { ROOT, assertBuilt, logFailedTests, runCli } from './cli-helpers.js';
import { nightlyTest } from '../helpers/tier.js';

const PROFILE = path.join(ROOT, 'fixtures/profiles/docker-rabbitmq-haproxy.yaml');
const FAIL_NAME =
  'a rabbitmq node container that exits before its management API answers fails the start with its reason; nothing of the run is left';
const NAME =
  'docker-rabbitmq-haproxy: pubsub (placement, QoS 1, backend differences) and the failover kill scenario through the HAProxy container';

const engine = await dockerAvailable(1500);
const missing = engine.ok ? await missingImages([IMAGES.debian, IMAGES.haproxy]) : [];
const skipReason = !engine.ok
  ? `no Docker engine answers (${engine.reason}); start one: bash scripts/docker/start-dockerd.sh`
  : missing.length
    ? `images missing: ${missing.join(', ')}; run ${BUILD_IMAGES_HINT}`
    : '';
if (skipReason) console.warn(`[rabbitmq-docker] SKIPPED: ${skipReason}`);

/** Runs of this process still on the engine (containers or networks labelled with our pid). */
async function ourRuns(): Promise<string[]> {
  return [...(await listRuns())]
    .filter(([, labels]) => labels[RUN_PID_LABEL] === String(process.pid))
    .map(([id]) => id);
}

/** Builds mqtt-lb/rabbitmq:3.10 when the engine lacks it (cached by content hash: well under a second when present). */
function ensureRabbitImage(): void {
  const t0 = Date.now();
  const r = spawnSync('bash', ['scripts/docker/build-images.sh', 'rabbitmq'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 400_000,
    env: { ...process.env, MQTT_LB_NO_START: '1' },
  });
  if (r.status !== 0)
    throw new Error(`build-images.sh rabbitmq exited ${r.status ?? r.signal}:\n${(r.stderr ?? '').slice(-3000)}`);
  console.log(`[rabbitmq-docker] ${IMAGES.rabbitmq} ready in ${Date.now() - t0} ms`);
}

describe('broker kind rabbitmq on the docker runtime', () => {
  if (skipReason) {
    test.skip(`${FAIL_NAME} [${skipReason}]`, () => undefined);
    test.skip(`${NAME} [${skipReason}]`, () => undefined);
    return;
  }

  test(
    FAIL_NAME,
    async () => {
      // The Debian base image runs bash without a terminal: it exits at once, as a node with a broken install would.
      const profile = loadProfile(PROFILE);
      const broken = { ...profile, broker: { ...profile.broker, image: IMAGES.debian } };
      const t0 = Date.now();
      const err = await startDeployment(broken, { progress: () => undefined }).then(
        () => new Error('the deployment started'),
        (e: unknown) => e as Error,
      );
      // testcontainers notices the exit either in its HTTP wait or while waiting for the ports to be bound
      expect(err.message).toMatch(
        /container node1 \(mqtt-lb\/debian:bookworm\) did not start: (Container exited|.*\(the container exited with code \d+\))/,
      );
      expect(Date.now() - t0).toBeLessThan(60_000);
      expect(await ourRuns()).toEqual([]);
    },
    90_000,
  );

  nightlyTest(
    NAME,
    async () => {
      assertBuilt('harness/docker/brokers/rabbitmq.ts', 'harness/docker/cluster.ts', 'harness/docker/runtime.ts');
      ensureRabbitImage();
      const before = new Set((await listRuns()).keys());
      const out = mkdtempSync(path.join(os.tmpdir(), 'mlb-rabbitmq-docker-'));
      const t0 = Date.now();
      const r = await runCli(
        [
          'run',
          '--profile',
          PROFILE,
          '--suites',
          'pubsub,failover',
          '-t',
          'placement|QoS [12]:|backend differences|kill a node',
          '--out',
          out,
        ],
        { timeoutMs: 840_000 },
      );
      const [run] = parseSummaryFile(readFileSync(path.join(out, 'summary.json'), 'utf8'));
      for (const s of Object.values(run!.suites)) logFailedTests(PROFILE, s.tests ?? []);
      const cluster = /docker cluster up in (\d+) ms/.exec(r.stderr)?.[1];
      console.log(`[rabbitmq-docker] run ${Date.now() - t0} ms (exit ${r.code}); cluster up in ${cluster ?? '?'} ms`);
      const why = `stdout:\n${r.stdout.slice(-3000)}\nstderr (tail):\n${r.stderr.split('\n').slice(-40).join('\n')}`;
      expect({ code: r.code, why: r.code === 0 ? '' : why }).toEqual({ code: 0, why: '' });

      const deployment = run!.deployment!;
      expect(deployment.runtime).toBe('docker');
      expect(deployment.broker.kind).toBe('rabbitmq');
      expect(deployment.broker.version).toMatch(/mqtt-lb\/rabbitmq:3\.10/);
      expect(deployment.balancer.version).toMatch(/mqtt-lb\/haproxy:2\.6/);
      const pubsub = run!.suites.pubsub!.tests;
      expect(pubsub.find((t) => t.name.includes('QoS 2:'))).toMatchObject({
        status: 'skipped',
        skipReason: expect.stringMatching(/rabbitmq broker: QoS 2 is downgraded/),
      });
      expect(pubsub.find((t) => t.name.startsWith('connections through the balancer land on every node'))?.status).toBe(
        'passed',
      );
      expect(run!.suites.failover!.tests.find((t) => t.name.startsWith('kill a node'))?.status).toBe('passed');
      // the CLI's runs (one deployment per suite) are gone: nothing new on the engine whose owner has exited
      const left = [...(await listRuns())].filter(([id, labels]) => !before.has(id) && !ownerProcessAlive(id, labels));
      expect(left.map(([id]) => id)).toEqual([]);
    },
    900_000,
  );
});
