/**
 * The user's nginx.conf mapped for the NGINX container (no engine needed): upstreams become node aliases on the run
 * network, listens keep their ports inside the container, the run directory is the container's /tmp, Debian's stream
 * module is loaded (the mqtt-lb/nginx image's layout), and the stub_status page listens on the published admin port.
 */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { mapForContainer } from './balancer-container.js';
import { nginxKind, NGINX_STATUS_PATH, NGINX_STATUS_PORT } from '../balancer/nginx/kind.js';
import { DEBIAN_STREAM_MODULE } from '../balancer/nginx/map-config.js';
import { defineEmqxCluster } from './brokers/emqx.js';
import { containerNodes } from '../../test/helpers/container-nodes.js';

const nodes = containerNodes(
  defineEmqxCluster({ runId: 'r', nodes: 3, image: 'emqx/emqx:5.8.9', trustProxy: false, heartbeatMs: 2000 }).nodes,
);
const hardened = path.resolve('fixtures/real-world/nginx/good/02-hardened-least-conn.conf');

describe('NGINX config mapped for the container', () => {
  test('upstreams point at the node aliases; listens keep their port; pid, logs and stream module as in the image', async () => {
    const m = await mapForContainer(nginxKind, { configFile: hardened, explicitMap: [], nodes });
    expect(m.mapping.map((x) => [x.node, x.mapped])).toEqual([
      ['node1', 'node1.emqx.io:1883'],
      ['node2', 'node2.emqx.io:1883'],
      ['node3', 'node3.emqx.io:1883'],
    ]);
    expect(m.binds.map((b) => [b.host, b.port])).toContainEqual(['0.0.0.0', 1883]);
    const head = m.text.split('\n')[0]!;
    expect(head).toContain('pid /tmp/nginx.pid;');
    expect(head).toContain(`load_module ${DEBIAN_STREAM_MODULE};`);
    expect(m.text).toMatch(new RegExp(`listen 0\\.0\\.0\\.0:${NGINX_STATUS_PORT}; .*location = ${NGINX_STATUS_PATH}`));
    expect(nginxKind.adminAddress(m, { host: '127.0.0.1', port: 49153 })).toBe(
      `http://127.0.0.1:49153${NGINX_STATUS_PATH}`,
    );
    expect(m.text).not.toMatch(/10\.10\.1\.1\d/);
  });
});
