/** Corpus shapes on the docker runtime (no engine needed): server-template is refused there, socket binds go to /tmp. */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { mapForContainer } from './balancer-container.js';
import { haproxyKind } from '../balancer/haproxy/kind.js';
import { defineEmqxCluster } from './brokers/emqx.js';
import { ConfigError } from '../errors.js';
import { containerNodes } from '../../test/helpers/container-nodes.js';

const nodes = containerNodes(
  defineEmqxCluster({ runId: 'r', nodes: 3, image: 'emqx/emqx:5.8.9', trustProxy: false, heartbeatMs: 2000 }).nodes,
);
const corpus = (rel: string): string => path.resolve('fixtures/real-world', rel);

describe('corpus shapes mapped for the HAProxy container', () => {
  test('good/10 server-template: refused naming line 35 and the workaround (nodes are network aliases)', async () => {
    const err = await mapForContainer(haproxyKind, {
      configFile: corpus('good/10-server-template-dns.cfg'),
      explicitMap: [],
      nodes,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(35);
    expect((err as ConfigError).fix).toMatch(/one `server` line per node/);
  });

  test("good/13 unix-socket bind: moved to the container's /tmp", async () => {
    const m = await mapForContainer(haproxyKind, {
      configFile: corpus('good/13-unix-socket-promex.cfg'),
      explicitMap: [],
      nodes,
    });
    expect(m.text.split('\n')[19]).toBe('    bind unix@/tmp/bind-20.sock mode 660');
  });
});
