/** The docker fault hop's routes and TS-proxy config, and the hop set's dispatch per node (pure, no containers). */
import { describe, expect, test } from '@jest/globals';
import type { NodeInfo, NodeName } from '../../types.js';
import type { NetFault } from '../fault.js';
import type { NetFacilities, NetFaultMechanism, NetFaultReceipt } from '../mechanism.js';
import { dockerHopConfig, dockerHopRoutes, HOP_ADMIN_PORT, type HopNodeContainer } from './docker-hop.js';
import { HopSetMechanism } from './hop-set.js';
import { nodesThroughHop } from './routes.js';

const container = (i: number): HopNodeContainer => ({
  node: `node${i}`,
  alias: `node${i}`,
  ipAddress: `172.18.0.${i + 2}`,
  ports: { mqtt: 1883, directMqtt: 1883, http: 18083, ws: 8083 },
});
const published = (i: number): NodeInfo => ({
  name: `node${i}`,
  brokerNode: `node${i}`,
  mqtt: { host: '127.0.0.1', port: 40000 + i },
  http: { host: '127.0.0.1', port: 41000 + i },
  ws: { host: '127.0.0.1', port: 42000 + i },
  upstreamMqtt: { host: `node${i}`, port: 1883 },
  upstreamHttp: { host: `node${i}`, port: 18083 },
});

describe('docker fault hop', () => {
  test('a hop alias per node, listening on the node container ports the balancer may use, forwarding to its alias', () => {
    const withTls = { ...container(2), ports: { ...container(2).ports, mqtts: 8883, wss: 8084, directMqtt: 1884 } };
    expect(
      dockerHopRoutes([container(1), withTls]).map(
        (r) => `${r.name} ${r.listen.host}:${r.listen.port}→${r.upstream.host}:${r.upstream.port}`,
      ),
    ).toEqual([
      'node1-1883 hop-node1:1883→node1:1883',
      'node1-8083 hop-node1:8083→node1:8083',
      'node1-18083 hop-node1:18083→node1:18083',
      'node2-1883 hop-node2:1883→node2:1883',
      'node2-8083 hop-node2:8083→node2:8083',
      'node2-8084 hop-node2:8084→node2:8084',
      'node2-8883 hop-node2:8883→node2:8883',
      'node2-18083 hop-node2:18083→node2:18083',
    ]);
  });

  test('the balancer sees the hop aliases; the harness keeps the published ports', () => {
    const via = nodesThroughHop([published(1)], dockerHopRoutes([container(1)]));
    expect(via[0]).toMatchObject({
      upstreamMqtt: { host: 'hop-node1', port: 1883 },
      upstreamHttp: { host: 'hop-node1', port: 18083 },
      mqtt: { host: '127.0.0.1', port: 40001 },
    });
  });

  test("the container's config binds every route and the admin API on all of its addresses", () => {
    const cfg = JSON.parse(dockerHopConfig(dockerHopRoutes([container(1)]))) as {
      admin: { bind: string };
      frontends: { name: string; bind: string }[];
      backends: { servers: { address: string }[] }[];
    };
    expect(cfg.admin.bind).toBe(`0.0.0.0:${HOP_ADMIN_PORT}`);
    expect(cfg.frontends.map((f) => `${f.name} ${f.bind}`)).toEqual([
      'node1-1883 0.0.0.0:1883',
      'node1-8083 0.0.0.0:8083',
      'node1-18083 0.0.0.0:18083',
    ]);
    expect(cfg.backends.map((b) => b.servers[0]!.address)).toEqual(['node1:1883', 'node1:8083', 'node1:18083']);
  });
});

/** A hop's mechanism that records what reached it (the hop set under test only dispatches). */
class RecordingHop implements NetFaultMechanism {
  readonly name = 'ts-proxy-hop';
  readonly calls: string[] = [];
  probe(): Promise<NetFacilities> {
    return Promise.reject(new Error('not probed here'));
  }
  availability(): Promise<true> {
    return Promise.resolve(true);
  }
  apply(node: NodeName, fault: NetFault): Promise<NetFaultReceipt> {
    this.calls.push(`apply ${node} ${fault.verb}`);
    return Promise.resolve({ node, fault, mechanism: 'toxics via its Toxiproxy API', detail: '', at: '' });
  }
  heal(node: NodeName): Promise<void> {
    this.calls.push(`heal ${node}`);
    return Promise.resolve();
  }
  healAll(): Promise<void> {
    this.calls.push('healAll');
    return Promise.resolve();
  }
}

describe('hop set', () => {
  test("each node's fault goes to its own hop, the receipt naming that hop; healAll reaches every hop", async () => {
    const [a, b] = [new RecordingHop(), new RecordingHop()];
    const set = new HopSetMechanism([
      { node: 'node1', mechanism: a, label: 'TS-proxy hop container run-hop-node1' },
      { node: 'node2', mechanism: b, label: 'TS-proxy hop container run-hop-node2' },
    ]);
    const r = await set.apply('node2', { verb: 'partition' });
    expect(r.mechanism).toBe('TS-proxy hop container run-hop-node2: toxics via its Toxiproxy API');
    await set.heal('node2');
    await set.healAll();
    expect({ a: a.calls, b: b.calls }).toEqual({
      a: ['healAll'],
      b: ['apply node2 partition', 'heal node2', 'healAll'],
    });
    await expect(set.apply('node3', { verb: 'partition' })).rejects.toThrow(/no fault hop in front of node3/);
  });
});
