/**
 * `mqtt-lb run` with a profile whose load runs on 3 local agents (fixtures/profiles/haproxy-capacity-agents.yaml,
 * HAProxy on the local runtime): the capacity suite's ramps come back as one merged result whose histogram counts
 * are exactly the sums of the agents' counts and equal the client count. On the docker runtime (when an engine and
 * the images are there) the same with 2 agent containers on the run's network, removed afterwards.
 */
import { describe, expect, test } from '@jest/globals';
import { byName, runSuiteCli } from './cli-helpers.js';
import type { LoadSpread } from '../../harness/agents/tally.js';
import { docker, dockerAvailable, missingImages } from '../../harness/docker/engine.js';
import { BUILD_IMAGES_HINT, IMAGES } from '../../harness/docker/images.js';
import { NIGHTLY, NIGHTLY_REASON } from '../helpers/tier.js';

const engine = await dockerAvailable(1500);
const missing = engine.ok ? await missingImages([IMAGES.redis, IMAGES.haproxy, IMAGES.standin, IMAGES.node]) : [];
const dockerSkip = !NIGHTLY
  ? NIGHTLY_REASON
  : !engine.ok
    ? `no Docker engine (${engine.reason})`
    : missing.length
      ? `images missing (${missing.join(', ')}); run ${BUILD_IMAGES_HINT}`
      : '';

interface CapacityMetrics {
  connections: { target: number; end: string; steps: Array<{ connected: number }>; load: LoadSpread };
  connect_rate: { steps: Array<{ clients: number }>; load: LoadSpread };
}

function expectExactMerge(load: LoadSpread, clients: number, runner = 'local', agents = 3): void {
  expect(load).toMatchObject({ runner, agents, clients, attempted: clients });
  expect(load.per_agent.map((a) => a.agent)).toEqual([...Array(agents).keys()]);
  const sum = (f: (a: LoadSpread['per_agent'][number]) => number): number =>
    load.per_agent.reduce((n, a) => n + f(a), 0);
  expect(sum((a) => a.clients)).toBe(clients);
  for (const phase of ['tcp', 'connack'] as const) {
    expect(load.histogram_counts[phase]).toBe(sum((a) => a.histogram_counts[phase] ?? 0));
    expect(load.histogram_counts[phase]).toBe(clients);
  }
}

describe('capacity suite over 3 local load agents', () => {
  test('one merged result: histogram counts add up exactly to the agents’ and to the client count', async () => {
    const { code, tests, summary, log } = await runSuiteCli(
      'fixtures/profiles/haproxy-capacity-agents.yaml',
      'capacity',
      [],
      {
        built: [
          'harness/agents/worker/main.ts',
          'harness/agents/worker/agent.ts',
          'harness/agents/controller.ts',
          'harness/capacity/ramp.ts',
        ],
        timeoutMs: 150_000,
      },
    );
    expect({ code, failed: tests.filter((t) => t.status !== 'passed').map((t) => t.name) }).toEqual({
      code: 0,
      failed: [],
    });
    expect(log).toMatch(/launching 3 local agent\(s\)/);
    const m = summary.metrics.capacity as unknown as CapacityMetrics;
    expect(m.connections).toMatchObject({ target: 300, end: 'target' });
    expect(m.connections.steps.at(-1)!.connected).toBe(300);
    expectExactMerge(m.connections.load, 300);
    const rateClients = m.connect_rate.steps.reduce((n, s) => n + s.clients, 0);
    expectExactMerge(m.connect_rate.load, rateClients);
    expect(byName(tests, 'connections').status).toBe('passed');
  }, 160_000);

  (dockerSkip ? test.skip : test)(
    `docker runtime: 2 agent containers on the run's network, one merged result${dockerSkip ? ` (skipped: ${dockerSkip})` : ''}`,
    async () => {
      const run = await runSuiteCli('fixtures/profiles/docker-capacity-agents.yaml', 'capacity', [], {
        built: ['harness/agents/worker/main.ts', 'harness/agents/launchers/docker.ts'],
        timeoutMs: 150_000,
      });
      expect({ code: run.code, failed: run.tests.filter((t) => t.status !== 'passed').map((t) => t.name) }).toEqual({
        code: 0,
        failed: [],
      });
      expect(run.log).toMatch(/launching 2 docker agent\(s\)/);
      const m = run.summary.metrics.capacity as unknown as CapacityMetrics;
      expect(m.connections.steps.at(-1)!.connected).toBe(200);
      expectExactMerge(m.connections.load, 200, 'docker', 2);
      // The agent containers are gone with the run.
      const left = await docker().listContainers({
        all: true,
        filters: JSON.stringify({ label: ['mqtt-lb.role=load-agent'] }),
      });
      expect(left.map((c) => c.Names)).toEqual([]);
    },
    160_000,
  );
});
