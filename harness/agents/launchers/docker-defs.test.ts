/** The docker launcher's container definitions and the plan as agent containers see it (no docker needed). */
import { describe, expect, test } from '@jest/globals';
import { agentContainer, DockerLauncher, type DockerPlacement } from './docker.js';

const placement: DockerPlacement = {
  runId: 'r1',
  network: 'mqtt-lb-r1-abc',
  gateway: '172.20.0.1',
  targets: new Map([[41883, { host: '172.20.0.5', port: 1883 }]]),
};
const spec = { count: 3, controller: { host: '172.20.0.1', port: 39000 }, token: 'tok', maxMs: 300_000 };

describe('docker agent containers', () => {
  test('on the run network, labelled with the run, the agent entry with its index, the token in the environment', () => {
    const app = { dist: '/r/dist', nodeModules: '/m/node_modules', packageJson: '/r/package.json' };
    const c = agentContainer(spec, 2, placement, 'mqtt-lb/node:20', app);
    expect(c).toMatchObject({
      name: 'mqtt-lb-r1-agent2',
      Image: 'mqtt-lb/node:20',
      Cmd: [
        'node',
        '/app/dist/harness/agents/worker/main.js',
        '--controller',
        '172.20.0.1:39000',
        '--index',
        '2',
        '--max-s',
        '300',
      ],
      Env: ['MQTT_LB_AGENT_TOKEN=tok'],
      Labels: { 'mqtt-lb.run': 'r1', 'mqtt-lb.role': 'load-agent', 'mqtt-lb.agent': '2' },
      HostConfig: {
        NetworkMode: 'mqtt-lb-r1-abc',
        Binds: ['/r/dist:/app/dist:ro', '/m/node_modules:/app/node_modules:ro', '/r/package.json:/app/package.json:ro'],
      },
    });
  });

  test('agents dial the balancer inside the network and bind no loopback source pool', () => {
    const l = new DockerLauncher(placement, 'mqtt-lb/node:20');
    const p = l.agentPlan({
      targets: [{ host: '127.0.0.1', port: 41883 }],
      clients: 10,
      connectRate: 10,
      clientIdPrefix: 'x',
      sourcePool: { offset: 0, size: 2 },
    });
    expect(p.targets).toEqual([{ host: '172.20.0.5', port: 1883 }]);
    expect(p.sourcePool).toBeUndefined();
    expect(() => l.agentPlan({ ...p, targets: [{ host: '127.0.0.1', port: 1 }] })).toThrow(/no container publishes/);
  });
});
