/**
 * The RabbitMQ broker kind in containers: `mqtt-lb/rabbitmq:3.10` (Debian's rabbitmq-server with the MQTT and
 * management plugins, docker/rabbitmq/Dockerfile) on the run network, node names `rabbit@nodeN` (the container's
 * hostname), one Erlang cookie per run, clustered declaratively (classic_config, the same rabbitmq.conf as the
 * local runtime) with node 1 booted first, observed through the management API with the harness's user.
 */
import { randomBytes } from 'node:crypto';
import { RABBITMQ_CAPABILITIES } from '../../brokers/rabbitmq.js';
import {
  ENABLED_PLUGINS,
  RABBIT_API_USER,
  RABBIT_PORTS,
  RABBIT_SCHEDULER_ARGS,
  rabbitConf,
} from '../../brokers/rabbitmq-conf.js';
import { RabbitNodeApi } from '../../observe/rabbitmq-api.js';
import type { BrokerKindDefinition, ClusterDef, ClusterDefInput, NodeContainerDef } from './types.js';

export const RABBIT_IMAGE_OFFICIAL = 'rabbitmq:3.10-management';
/** The image's HOME (Debian's rabbitmq user home), where the Erlang cookie is read. */
export const RABBIT_HOME = '/var/lib/rabbitmq';
/**
 * A node's boot until its management listener answers, bounded: ≈10 s idle, 30–60 s measured at a load average of
 * 24 on 2 cores. Two stages (node 1, then the rest) plus formation stay within the suite's startup budget
 * (120 s plus twice capabilities.bootMs: harness/suite/context.ts).
 */
export const RABBIT_CONTAINER_BOOT_MS = 75_000;

export const rabbitAlias = (i: number): string => `node${i}`;
export const rabbitNodeName = (i: number): string => `rabbit@${rabbitAlias(i)}`;

function rabbitNode(i: number, input: ClusterDefInput, cookie: string): NodeContainerDef {
  const peers = Array.from({ length: input.nodes }, (_, k) => rabbitNodeName(k + 1));
  return {
    name: `node${i}`,
    brokerNode: rabbitNodeName(i),
    alias: rabbitAlias(i),
    hostname: rabbitAlias(i),
    image: input.image,
    env: {
      HOME: RABBIT_HOME,
      RABBITMQ_NODENAME: rabbitNodeName(i),
      RABBITMQ_CONFIG_FILE: '/etc/rabbitmq/rabbitmq.conf',
      RABBITMQ_ENABLED_PLUGINS_FILE: '/etc/rabbitmq/enabled_plugins',
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: RABBIT_SCHEDULER_ARGS,
    },
    files: [
      {
        content: rabbitConf({ ip: '0.0.0.0', peers, trustProxy: input.trustProxy }),
        target: '/etc/rabbitmq/rabbitmq.conf',
        mode: 0o644,
      },
      { content: ENABLED_PLUGINS, target: '/etc/rabbitmq/enabled_plugins', mode: 0o644 },
      // Erlang refuses a cookie file readable by others; the image's server runs as root.
      { content: cookie, target: `${RABBIT_HOME}/.erlang.cookie`, mode: 0o400 },
    ],
    directories: [],
    // mqtt.proxy_protocol applies to every MQTT listener of the node: no header-less listener for direct probes.
    ports: { mqtt: RABBIT_PORTS.mqtt, directMqtt: RABBIT_PORTS.mqtt, http: RABBIT_PORTS.management },
    // The management UI's index answers without credentials once the plugin runs; the API checks follow.
    wait: { kind: 'http', path: '/', port: RABBIT_PORTS.management, status: 200, timeoutMs: RABBIT_CONTAINER_BOOT_MS },
  };
}

export function defineRabbitCluster(
  input: ClusterDefInput,
  cookie = randomBytes(16).toString('hex').toUpperCase(),
): ClusterDef {
  if (input.tls)
    throw new Error('broker kind rabbitmq: node TLS (passthrough) is not configured on the docker runtime');
  return {
    services: [],
    nodes: Array.from({ length: input.nodes }, (_, i) => rabbitNode(i + 1, input, cookie)),
    apiAuth: { kind: 'api-key', key: RABBIT_API_USER.username, secret: RABBIT_API_USER.password },
    formationTimeoutMs: 60_000,
    bootOrder: 'first-alone',
  };
}

export const rabbitmqKind: BrokerKindDefinition = {
  kind: 'rabbitmq',
  capabilities: RABBITMQ_CAPABILITIES,
  images: {
    node: {
      role: 'rabbitmq',
      env: 'MQTT_LB_RABBITMQ_IMAGE',
      built: 'rabbitmq',
      official: RABBIT_IMAGE_OFFICIAL,
    },
  },
  define: (input) => defineRabbitCluster(input),
  // Basic auth with the management user (apiAuth carries the same credentials, for a kind-neutral report).
  nodeApi: (address) => new RabbitNodeApi(address, RABBIT_API_USER),
  version: (image) => `RabbitMQ (${image})`,
};
