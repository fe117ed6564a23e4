/**
 * The stand-in broker kind in containers: aedes nodes (standin/node.ts) sharing one Redis, each node reachable on
 * the run network by its plain name (`node1`…), serving the EMQX v5 API subset without auth.
 */
import { redisFabricArgs } from '../../local/redis.js';
import { STANDIN_CAPABILITIES } from '../../brokers/capabilities.js';
import { HttpNodeApi } from '../../observe/node-api.js';
import type {
  BrokerKindDefinition,
  ClusterDef,
  ClusterDefInput,
  ContainerFile,
  NodeContainerDef,
  ServiceContainerDef,
} from './types.js';

export const STANDIN_PORTS = { mqtt: 1883, http: 18083, mqtts: 8883, ws: 8083, wss: 8084 } as const;
export const REDIS_ALIAS = 'redis';
/** Where the staged app (harness/docker/app-stage.ts) goes when the image is a plain Node base. */
export const STANDIN_APP_DIR = '/app';
export const STANDIN_ENTRY = 'dist/standin/node.js';
const TLS_DIR = '/etc/mqtt-lb/tls';

/** Test-only Redis: reachable from the network, no persistence, subscribers never dropped for slow reads. */
export const REDIS_COMMAND = ['redis-server', ...redisFabricArgs('0.0.0.0', 6379)];

function redisService(image: string): ServiceContainerDef {
  return {
    name: 'redis',
    alias: REDIS_ALIAS,
    image,
    command: REDIS_COMMAND,
    ports: [],
    wait: { kind: 'log', pattern: /Ready to accept connections/, timeoutMs: 30_000 },
  };
}

function tlsFiles(tls: NonNullable<ClusterDefInput['tls']>): { files: ContainerFile[]; args: string[] } {
  const files: ContainerFile[] = [
    { source: tls.cert, target: `${TLS_DIR}/cert.pem`, mode: 0o644 },
    { source: tls.key, target: `${TLS_DIR}/key.pem`, mode: 0o644 },
    ...(tls.ca ? [{ source: tls.ca, target: `${TLS_DIR}/ca.pem`, mode: 0o644 }] : []),
  ];
  const args = [
    '--tls-port',
    String(STANDIN_PORTS.mqtts),
    '--tls-cert',
    `${TLS_DIR}/cert.pem`,
    '--tls-key',
    `${TLS_DIR}/key.pem`,
    ...(tls.ca ? ['--tls-ca', `${TLS_DIR}/ca.pem`] : []),
    '--wss-port',
    String(STANDIN_PORTS.wss),
  ];
  return { files, args };
}

function standinNode(i: number, input: ClusterDefInput): NodeContainerDef {
  const name = `node${i}`;
  const tls = input.tls ? tlsFiles(input.tls) : undefined;
  return {
    name,
    brokerNode: name,
    alias: name,
    hostname: name,
    image: input.image,
    ...(input.appDir ? { entrypoint: ['node', `${STANDIN_APP_DIR}/${STANDIN_ENTRY}`] } : {}),
    command: [
      '--name',
      name,
      '--bind',
      '0.0.0.0',
      '--mqtt-port',
      String(STANDIN_PORTS.mqtt),
      '--http-port',
      String(STANDIN_PORTS.http),
      '--redis',
      `${REDIS_ALIAS}:6379`,
      '--heartbeat-ms',
      String(input.heartbeatMs),
      '--ws-port',
      String(STANDIN_PORTS.ws),
      ...(input.trustProxy ? ['--trust-proxy'] : []),
      ...(tls?.args ?? []),
    ],
    env: { NODE_ENV: 'production' },
    files: tls?.files ?? [],
    directories: input.appDir ? [{ source: input.appDir, target: STANDIN_APP_DIR }] : [],
    // --trust-proxy makes the header optional, so the harness connects to the same listener directly.
    ports: {
      mqtt: STANDIN_PORTS.mqtt,
      directMqtt: STANDIN_PORTS.mqtt,
      http: STANDIN_PORTS.http,
      ws: STANDIN_PORTS.ws,
      ...(input.tls ? { mqtts: STANDIN_PORTS.mqtts, wss: STANDIN_PORTS.wss } : {}),
    },
    wait: { kind: 'log', pattern: /READY \{/, timeoutMs: 30_000 },
  };
}

export const standinKind: BrokerKindDefinition = {
  kind: 'standin',
  capabilities: STANDIN_CAPABILITIES,
  images: {
    node: {
      role: 'standin',
      env: 'MQTT_LB_STANDIN_IMAGE',
      built: 'standin',
      official: 'node-base',
      appEntry: STANDIN_ENTRY,
    },
    service: { role: 'redis', env: 'MQTT_LB_REDIS_IMAGE', built: 'redis', official: 'redis:7' },
  },
  nodeApi: (address, def) => new HttpNodeApi(address, def.apiAuth),
  define(input): ClusterDef {
    if (!input.serviceImage) throw new Error('the stand-in cluster needs a Redis image');
    return {
      services: [redisService(input.serviceImage)],
      nodes: Array.from({ length: input.nodes }, (_, i) => standinNode(i + 1, input)),
      apiAuth: { kind: 'none' },
      formationTimeoutMs: 20_000,
    };
  },
  version(image, nodes) {
    return nodes.find((n) => n.version)?.version ?? image;
  },
};
