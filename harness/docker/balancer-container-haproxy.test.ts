/**
 * The user's haproxy.cfg mapped for the HAProxy container (no engine needed): upstreams become node aliases on the
 * run network, an unmapped upstream is refused naming its line, frontends keep their ports inside the container,
 * and the observation-only runtime API is appended on a TCP port the harness publishes.
 */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { mapForContainer } from './balancer-container.js';
import { haproxyKind, HAPROXY_API_PORT } from '../balancer/haproxy/kind.js';
import { defineEmqxCluster } from './brokers/emqx.js';
import { ConfigError } from '../errors.js';
import { parseMapEntries } from '../balancer/address-map.js';
import { containerNodes } from '../../test/helpers/container-nodes.js';
import { tmpFile } from '../../test/helpers/files.js';

const nodes = containerNodes(
  defineEmqxCluster({ runId: 'r', nodes: 3, image: 'emqx/emqx:5.8.9', trustProxy: false, heartbeatMs: 2000 }).nodes,
);
const production = path.resolve('fixtures/haproxy/production/emqx-roundrobin.cfg');

describe('HAProxy config mapped for the container', () => {
  test('server lines point at the node aliases, keeping the written port', async () => {
    const m = await mapForContainer(haproxyKind, { configFile: production, explicitMap: [], nodes });
    expect(m.mapping.filter((x) => x.backend === 'emqx_tcp_back').map((x) => [x.server, x.node, x.mapped])).toEqual([
      ['emqx_node_1', 'node1', 'node1.emqx.io:1883'],
      ['emqx_node_2', 'node2', 'node2.emqx.io:1883'],
      ['emqx_node_3', 'node3', 'node3.emqx.io:1883'],
    ]);
    expect(m.mapping.filter((x) => x.backend === 'emqx_dashboard_back').map((x) => x.mapped)).toEqual([
      'node1.emqx.io:18083',
      'node2.emqx.io:18083',
      'node3.emqx.io:18083',
    ]);
    expect(m.text).not.toMatch(/\.invalid/);
  });

  test('frontends keep their port on all container addresses; the runtime API is appended on its TCP port', async () => {
    const m = await mapForContainer(haproxyKind, { configFile: production, explicitMap: [], nodes });
    expect(m.binds.map((b) => [b.frontend, b.host, b.port])).toEqual([
      ['emqx_tcp', '0.0.0.0', 1883],
      ['emqx_dashboard', '0.0.0.0', 18083],
    ]);
    expect(m.text.trimEnd().split('\n').at(-1)).toBe(
      `    stats socket ipv4@0.0.0.0:${HAPROXY_API_PORT} mode 600 level admin expose-fd listeners`,
    );
  });

  test('two binds on one port, or on the API port, are moved apart', async () => {
    const file = tmpFile(
      'lb.cfg',
      `defaults\n  mode tcp\nfrontend a\n  bind :${HAPROXY_API_PORT}\n  default_backend b\nfrontend c\n  bind 10.0.0.1:1883,10.0.0.2:1883\n  default_backend b\nbackend b\n  server s1 emqx-1.prod:1883\n`,
    );
    const m = await mapForContainer(haproxyKind, { configFile: file, explicitMap: [], nodes });
    const ports = m.binds.map((b) => b.port);
    expect(new Set(ports).size).toBe(3);
    expect(ports).not.toContain(HAPROXY_API_PORT);
    expect(ports).toContain(1883);
  });

  test('an upstream beyond the cluster is refused with its line; --map maps it explicitly', async () => {
    const file = tmpFile(
      'lb.cfg',
      'defaults\n  mode tcp\nfrontend f\n  bind :1883\n  default_backend b\nbackend b\n  server s1 a.prod:1883\n  server s2 b.prod:1883\n  server s3 c.prod:1883\n  server s4 d.prod:1883\n',
    );
    const err = await mapForContainer(haproxyKind, { configFile: file, explicitMap: [], nodes }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(10);
    expect((err as ConfigError).message).toMatch(/maps to no harness node/);
    const ok = await mapForContainer(haproxyKind, {
      configFile: file,
      explicitMap: parseMapEntries(['d.prod:1883=node2']),
      nodes,
    });
    expect(ok.mapping.at(-1)).toMatchObject({ server: 's4', node: 'node2', mapped: 'node2.emqx.io:1883' });
  });
});
