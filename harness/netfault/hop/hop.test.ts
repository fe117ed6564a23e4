/** The fault hop's routes, its TS-proxy config and the toxics each fault verb becomes (pure, no processes). */
import { describe, expect, test } from '@jest/globals';
import type { NodeInfo } from '../../types.js';
import { hopConfig, hopRoutes, nodesThroughHop } from './routes.js';
import { hopPlan, rateKBps, TOXIC_PARTITION_CAVEAT } from './toxic-plan.js';

const node = (i: number): NodeInfo => ({
  name: `node${i}`,
  brokerNode: `node${i}`,
  mqtt: { host: `127.0.1.${i}`, port: 1883 },
  http: { host: `127.0.1.${i}`, port: 18083 },
  ws: { host: `127.0.1.${i}`, port: 8083 },
  upstreamMqtt: { host: `127.0.1.${i}`, port: 1883 },
  upstreamHttp: { host: `127.0.1.${i}`, port: 18083 },
});
const nodes = [node(1), node(2)];
const hopHost = (n: string): string => `127.0.1.${100 + Number(n.slice(4))}`;

describe('fault hop routes', () => {
  test('one listener per node port (MQTT, WebSocket, the health-check port), on the hop address of the node', () => {
    expect(
      hopRoutes(nodes, hopHost).map((r) => `${r.name} ${r.listen.host}:${r.listen.port}→${r.upstream.host}`),
    ).toEqual([
      'node1-1883 127.0.1.101:1883→127.0.1.1',
      'node1-8083 127.0.1.101:8083→127.0.1.1',
      'node1-18083 127.0.1.101:18083→127.0.1.1',
      'node2-1883 127.0.1.102:1883→127.0.1.2',
      'node2-8083 127.0.1.102:8083→127.0.1.2',
      'node2-18083 127.0.1.102:18083→127.0.1.2',
    ]);
  });

  test('the balancer sees the hop as the nodes; the harness keeps the direct addresses', () => {
    const via = nodesThroughHop(nodes, hopRoutes(nodes, hopHost));
    expect(via[1]).toMatchObject({
      upstreamMqtt: { host: '127.0.1.102', port: 1883 },
      upstreamHttp: { host: '127.0.1.102', port: 18083 },
      mqtt: { host: '127.0.1.2', port: 1883 },
      http: { host: '127.0.1.2', port: 18083 },
    });
  });

  test('the config: raw L4 frontends without idle timeout, one-server backends without checks or retries', () => {
    const cfg = JSON.parse(hopConfig(hopRoutes([node(1)], hopHost), { host: '127.0.1.10', port: 4000 })) as {
      admin: { bind: string };
      frontends: Array<{ inspect: string; timeouts: { idle: number }; bind: string }>;
      backends: Array<{ retries: number; health: { type: string }; servers: Array<{ address: string }> }>;
    };
    expect(cfg.admin.bind).toBe('127.0.1.10:4000');
    expect(cfg.frontends[0]).toMatchObject({ inspect: 'none', timeouts: { idle: 0 }, bind: '127.0.1.101:1883' });
    expect(cfg.backends[0]).toMatchObject({
      retries: 0,
      health: { type: 'none' },
      servers: [{ address: '127.0.1.1:1883' }],
    });
  });
});

describe('toxics per fault verb', () => {
  test('partition holds both directions; blackhole only towards the node; reset both', () => {
    const types = (f: Parameters<typeof hopPlan>[0]): string[] => {
      const p = hopPlan(f);
      return p.via === 'toxics' ? p.toxics.map((t) => `${t.type} ${t.stream} ${JSON.stringify(t.attributes)}`) : [];
    };
    expect(types({ verb: 'partition' })).toEqual([
      'timeout upstream {"timeout":0}',
      'timeout downstream {"timeout":0}',
    ]);
    expect(types({ verb: 'blackhole' })).toEqual(['timeout upstream {"timeout":0}']);
    expect(types({ verb: 'reset' })).toEqual([
      'reset_peer upstream {"timeout":0}',
      'reset_peer downstream {"timeout":0}',
    ]);
    expect(types({ verb: 'delay', ms: 500, jitterMs: 100 })).toEqual([
      'latency downstream {"latency":500,"jitter":100}',
    ]);
    expect(types({ verb: 'bandwidth', rate: '800kbit' })).toEqual(['bandwidth downstream {"rate":100}']);
  });

  test('with a kernel DROP, partition and blackhole are iptables DROPs on the hop address, saying why', () => {
    expect(hopPlan({ verb: 'partition' }, true)).toEqual({
      via: 'kernel',
      why: expect.stringMatching(/^iptables DROP on the hop's address, both directions: new connects time out/),
    });
    expect(hopPlan({ verb: 'blackhole' }, true)).toEqual({
      via: 'kernel',
      why: expect.stringMatching(/^iptables DROP towards the hop's address: new connects time out/),
    });
    // Only those two: the other verbs keep their toxics (or loss its statistic rule) whatever the kernel offers.
    expect(hopPlan({ verb: 'reset' }, true).via).toBe('toxics');
    expect(hopPlan({ verb: 'delay', ms: 5 }, true).via).toBe('toxics');
  });

  test('without one, the held-link toxic says it accepts the connects a real partition would drop, and why', () => {
    const p = hopPlan({ verb: 'partition' }, 'not root: iptables and tc need root');
    expect(p.via === 'toxics' && p.how).toBe(
      `${TOXIC_PARTITION_CAVEAT}; timeout 0 both directions: bytes held, nothing closed (kernel DROP unavailable: not root: iptables and tc need root)`,
    );
    expect(TOXIC_PARTITION_CAVEAT).toMatch(/^toxic: the hop accepts new connects and holds them/);
  });

  test('loss stays a kernel fault, saying why', () => {
    expect(hopPlan({ verb: 'loss', pct: 10 })).toEqual({
      via: 'kernel',
      why: expect.stringMatching(/cannot drop packets/),
    });
  });

  test('tc rates in KB/s', () => {
    expect([rateKBps('800kbit'), rateKBps('10mbit'), rateKBps('100'), rateKBps('1kbps'), rateKBps('8bit')]).toEqual([
      100, 1250, 13, 1, 1,
    ]);
  });
});
