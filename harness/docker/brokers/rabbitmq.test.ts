/** The rabbitmq kind's container definitions (pure data, no engine): node names, files, waits, images, boot order. */
import { describe, expect, test } from '@jest/globals';
import { defineRabbitCluster, rabbitmqKind } from './rabbitmq.js';
import { dockerBrokerKinds } from './index.js';
import { IMAGES } from '../images.js';
import { chooseImage, rolesFor } from '../image-choice.js';
import { RABBITMQ_CAPABILITIES } from '../../brokers/rabbitmq.js';
import { RabbitNodeApi } from '../../observe/rabbitmq-api.js';
import type { ClusterDefInput } from './types.js';

const input: ClusterDefInput = {
  runId: 'r1',
  nodes: 3,
  image: IMAGES.rabbitmq,
  trustProxy: false,
  heartbeatMs: 1000,
};

const file = (n: { files: { target: string }[] }, target: string): string => {
  const f = n.files.find((x) => x.target === target);
  if (!f || !('content' in f)) throw new Error(`no content file ${target}`);
  return (f as { content: string }).content;
};

describe('broker kind rabbitmq on the docker runtime', () => {
  test('nodes rabbit@node1..3 on their hostnames, classic_config naming every peer, listeners on 0.0.0.0', () => {
    const def = defineRabbitCluster(input, 'COOKIE');
    expect(def.nodes.map((n) => [n.name, n.brokerNode, n.alias, n.hostname])).toEqual([
      ['node1', 'rabbit@node1', 'node1', 'node1'],
      ['node2', 'rabbit@node2', 'node2', 'node2'],
      ['node3', 'rabbit@node3', 'node3', 'node3'],
    ]);
    const conf = file(def.nodes[1]!, '/etc/rabbitmq/rabbitmq.conf');
    expect(conf).toMatch(/^mqtt\.listeners\.tcp\.default = 0\.0\.0\.0:1883$/m);
    expect(conf).toMatch(/^management\.tcp\.ip = 0\.0\.0\.0$/m);
    expect(conf).toMatch(/^cluster_formation\.classic_config\.nodes\.3 = rabbit@node3$/m);
    expect(conf).not.toMatch(/proxy_protocol/);
    expect(file(defineRabbitCluster({ ...input, trustProxy: true }).nodes[0]!, '/etc/rabbitmq/rabbitmq.conf')).toMatch(
      /^mqtt\.proxy_protocol = true$/m,
    );
    expect(file(def.nodes[0]!, '/etc/rabbitmq/enabled_plugins')).toBe('[rabbitmq_management,rabbitmq_mqtt].\n');
    expect(def.nodes[0]!.env).toMatchObject({ RABBITMQ_NODENAME: 'rabbit@node1', HOME: '/var/lib/rabbitmq' });
  });

  test('one cookie per run, on every node, readable by its owner only', () => {
    const def = defineRabbitCluster(input);
    const cookies = def.nodes.map((n) => n.files.find((f) => f.target === '/var/lib/rabbitmq/.erlang.cookie')!);
    expect(new Set(cookies.map((c) => ('content' in c ? c.content : ''))).size).toBe(1);
    expect(cookies.map((c) => c.mode)).toEqual([0o400, 0o400, 0o400]);
    expect(file(defineRabbitCluster(input).nodes[0]!, '/var/lib/rabbitmq/.erlang.cookie')).not.toBe(
      file(def.nodes[0]!, '/var/lib/rabbitmq/.erlang.cookie'),
    );
  });

  test('node 1 boots alone, bounded waits on the management listener, MQTT and management published', () => {
    const def = defineRabbitCluster(input);
    expect(def.bootOrder).toBe('first-alone');
    expect(def.services).toEqual([]);
    expect(def.nodes[0]!.wait).toMatchObject({ kind: 'http', path: '/', port: 15672, status: 200 });
    expect(def.nodes[0]!.wait.timeoutMs).toBeLessThanOrEqual(120_000);
    expect(def.nodes[0]!.ports).toEqual({ mqtt: 1883, directMqtt: 1883, http: 15672 });
    expect(() => defineRabbitCluster({ ...input, tls: { cert: 'c', key: 'k' } })).toThrow(/TLS/);
  });

  test('observed through the management API; the kind is registered with its image role', async () => {
    const def = defineRabbitCluster(input);
    expect(rabbitmqKind.nodeApi({ host: '127.0.0.1', port: 1 }, def)).toBeInstanceOf(RabbitNodeApi);
    expect(rabbitmqKind.capabilities).toBe(RABBITMQ_CAPABILITIES);
    expect(dockerBrokerKinds.rabbitmq).toBe(rabbitmqKind);
    expect(rolesFor({ kind: 'rabbitmq', image: 'x:1' }, { kind: 'haproxy' }).map((r) => [r.role, r.explicit])).toEqual([
      ['rabbitmq', 'x:1'],
      ['haproxy', undefined],
    ]);
    const has = (n: string): Promise<boolean> => Promise.resolve(n === IMAGES.rabbitmq);
    expect(await chooseImage('rabbitmq', undefined, has)).toMatchObject({
      image: 'mqtt-lb/rabbitmq:3.10',
      source: 'local build',
    });
    expect(await chooseImage('rabbitmq', undefined, () => Promise.resolve(false))).toMatchObject({
      image: 'rabbitmq:3.10-management',
      source: 'official',
    });
  });
});
