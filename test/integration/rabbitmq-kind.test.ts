/**
 * Broker kind `rabbitmq` end to end, as cheap as the chain allows: `mqtt-lb run` on the RabbitMQ profile with the
 * pubsub placement/QoS/backend-differences tests (one 3-node RabbitMQ boot); the nightly tier adds the failover kill
 * scenario (a second boot: 140 s for both measured on a busy 2-core machine, ~110 s of CI's 20-minute budget).
 * Skipped with the reason where rabbitmq-server is not installed.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseSummaryFile } from '../../harness/report/index.js';
import { RABBITMQ_SERVER } from '../../harness/local/rabbitmq/node.js';
import { assertBuilt, ROOT, runCli } from './cli-helpers.js';
import { NIGHTLY, NIGHTLY_REASON } from '../helpers/tier.js';

assertBuilt('harness/local/rabbitmq/cluster.ts', 'harness/observe/rabbitmq-api.ts');

const OUT = path.join(ROOT, 'reports', 'test-rabbitmq-kind');
const PROFILE = 'fixtures/profiles/nightly/rabbitmq-haproxy-roundrobin.yaml';
const NAME = NIGHTLY
  ? 'rabbitmq-haproxy-roundrobin: pubsub (placement, QoS 1, backend differences) and the failover kill scenario'
  : `rabbitmq-haproxy-roundrobin: pubsub (placement, QoS 1, backend differences) [failover kill scenario: ${NIGHTLY_REASON}]`;
const missing = existsSync(RABBITMQ_SERVER)
  ? undefined
  : `rabbitmq-server is not installed (${RABBITMQ_SERVER}): apt-get install -y --no-install-recommends rabbitmq-server`;

describe('broker kind rabbitmq on the local runtime', () => {
  if (missing) {
    test.skip(`${NAME} [${missing}]`, () => undefined);
    return;
  }
  test(
    NAME,
    async () => {
      rmSync(OUT, { recursive: true, force: true });
      const r = await runCli(
        [
          'run',
          '-p',
          PROFILE,
          '--suites',
          NIGHTLY ? 'pubsub,failover' : 'pubsub',
          '-t',
          `placement|QoS [12]:|backend differences${NIGHTLY ? '|kill a node' : ''}`,
          '--out',
          OUT,
        ],
        { timeoutMs: 560_000 },
      );
      const why = `stdout:\n${r.stdout}\nstderr (tail):\n${r.stderr.split('\n').slice(-40).join('\n')}`;
      expect({ code: r.code, why: r.code === 0 ? '' : why }).toEqual({ code: 0, why: '' });
      expect(r.stderr).toMatch(/rabbitmq: Measured at this run's start: 3 nodes booted and clustered in [\d.]+ s/);

      const [run] = parseSummaryFile(readFileSync(path.join(OUT, 'summary.json'), 'utf8'));
      const broker = run!.deployment!.broker;
      expect(broker.kind).toBe('rabbitmq');
      expect(broker.nodes.map((n) => n.http)).toEqual(Array(3).fill(expect.stringMatching(/:15672$/)));
      // the cluster's start and each node's memory, as structured fields (every broker kind on the local runtime)
      expect(broker.startMs).toBeGreaterThan(5000);
      for (const n of broker.nodes) expect(n.rssBytes).toBeGreaterThan(50 * 2 ** 20);
      expect((broker.capabilities?.notes as string[]).at(-1)).toMatch(
        /clustered in [\d.]+ s; resident memory per node node1 \d+ MB/,
      );
      const pubsub = run!.suites.pubsub!.tests;
      const qos2 = pubsub.find((t) => t.name.includes('QoS 2:'));
      expect(qos2).toMatchObject({
        status: 'skipped',
        skipReason: expect.stringMatching(/rabbitmq broker: QoS 2 is downgraded/),
      });
      const diff = pubsub.find((t) => t.name.includes('what this backend does differently'));
      expect(diff?.status).toBe('passed');
      expect((diff?.findings ?? []).map((f) => f.title)).toEqual([
        expect.stringMatching(/granted QoS 1/),
        expect.stringMatching(/retained message .* is not seen/),
      ]);
      if (NIGHTLY) {
        const kill = run!.suites.failover!.tests.find((t) => t.name.startsWith('kill a node'));
        expect(kill?.status).toBe('passed');
      } else expect(run!.suites.failover).toBeUndefined();
    },
    600_000,
  );
});
