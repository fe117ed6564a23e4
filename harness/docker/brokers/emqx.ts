/**
 * The EMQX broker kind (docker only): `emqx/emqx:5.8.9` nodes with static discovery, node names and aliases as in
 * /work/shared/docs/emqx.md §2 (`emqx@nodeN.emqx.io` on a dotted alias), API access by bootstrap API key (default) or
 * dashboard login, and a PROXY-protocol default listener when the profile asks for it (plus a plain `direct`
 * listener for the harness's own probes, since a PROXY listener rejects connections without a header).
 */
import { randomBytes } from 'node:crypto';
import { EMQX_CAPABILITIES } from '../../brokers/capabilities.js';
import { HttpNodeApi } from '../../observe/node-api.js';
import type { BrokerKindDefinition, ClusterDef, ClusterDefInput, ContainerFile, NodeContainerDef } from './types.js';

export const EMQX_DEFAULT_IMAGE = 'emqx/emqx:5.8.9';
export const EMQX_MIRROR_IMAGE = 'public.ecr.aws/emqx/emqx:5.8.9';
export const EMQX_PORTS = { mqtt: 1883, direct: 1884, http: 18083, mqtts: 8883, ws: 8083, wss: 8084 } as const;
export const EMQX_DOMAIN = 'emqx.io';
export const EMQX_API_KEY_NAME = 'mqttlb';
/** Readable by the image's uid 1000 (emqx.md §4). */
export const EMQX_API_KEY_FILE = '/opt/emqx/etc/mqtt-lb-api-keys.txt';
const CERT_DIR = '/opt/emqx/etc/certs/mqtt-lb';
/** The dashboard's documented default user, set explicitly so `login` auth never depends on image defaults. */
export const EMQX_DASHBOARD_USER = { username: 'admin', password: 'public' } as const;

export const emqxAlias = (i: number): string => `node${i}.${EMQX_DOMAIN}`;
export const emqxNodeName = (i: number): string => `emqx@${emqxAlias(i)}`;

/** HOCON string value: env values with `:` or `/` need inner quotes (emqx.md §2). */
const hoconString = (s: string): string => JSON.stringify(s);

function clusterEnv(n: number, cookie: string): Record<string, string> {
  const seeds = Array.from({ length: n }, (_, i) => emqxNodeName(i + 1));
  return {
    EMQX_CLUSTER__DISCOVERY_STRATEGY: 'static',
    EMQX_CLUSTER__STATIC__SEEDS: `[${seeds.join(',')}]`,
    EMQX_NODE__COOKIE: cookie,
  };
}

function listenerEnv(trustProxy: boolean): Record<string, string> {
  if (!trustProxy) return {};
  return {
    EMQX_LISTENERS__TCP__DEFAULT__PROXY_PROTOCOL: 'true',
    EMQX_LISTENERS__TCP__DIRECT__ENABLE: 'true',
    EMQX_LISTENERS__TCP__DIRECT__BIND: hoconString(`0.0.0.0:${EMQX_PORTS.direct}`),
    EMQX_LISTENERS__TCP__DIRECT__PROXY_PROTOCOL: 'false',
  };
}

function tlsSetup(tls: NonNullable<ClusterDefInput['tls']>): { files: ContainerFile[]; env: Record<string, string> } {
  const files: ContainerFile[] = [
    { source: tls.cert, target: `${CERT_DIR}/cert.pem`, mode: 0o644 },
    { source: tls.key, target: `${CERT_DIR}/key.pem`, mode: 0o644 },
    ...(tls.ca ? [{ source: tls.ca, target: `${CERT_DIR}/ca.pem`, mode: 0o644 }] : []),
  ];
  const env: Record<string, string> = {
    EMQX_LISTENERS__SSL__DEFAULT__BIND: hoconString(`0.0.0.0:${EMQX_PORTS.mqtts}`),
    EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__CERTFILE: hoconString(`${CERT_DIR}/cert.pem`),
    EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__KEYFILE: hoconString(`${CERT_DIR}/key.pem`),
    ...(tls.ca ? { EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__CACERTFILE: hoconString(`${CERT_DIR}/ca.pem`) } : {}),
  };
  return { files, env };
}

function emqxNode(
  i: number,
  input: ClusterDefInput,
  shared: { env: Record<string, string>; keyFile: ContainerFile },
): NodeContainerDef {
  const tls = input.tls ? tlsSetup(input.tls) : undefined;
  return {
    name: `node${i}`,
    brokerNode: emqxNodeName(i),
    alias: emqxAlias(i),
    hostname: emqxAlias(i),
    image: input.image,
    env: { EMQX_NODE__NAME: emqxNodeName(i), ...shared.env, ...(tls?.env ?? {}) },
    files: [shared.keyFile, ...(tls?.files ?? [])],
    directories: [],
    ports: {
      mqtt: EMQX_PORTS.mqtt,
      directMqtt: input.trustProxy ? EMQX_PORTS.direct : EMQX_PORTS.mqtt,
      http: EMQX_PORTS.http,
      // EMQX's default ws listener (8083, /mqtt) is on in the image; its wss (8084) serves the image's own test
      // certificate, so only ws is declared here.
      ws: EMQX_PORTS.ws,
      ...(input.tls ? { mqtts: EMQX_PORTS.mqtts } : {}),
    },
    // `/status` answers 200 once the node's apps run (emqx.md §4); cluster membership is checked afterwards.
    wait: { kind: 'http', path: '/status', port: EMQX_PORTS.http, status: 200, timeoutMs: 120_000 },
  };
}

export interface EmqxSecrets {
  apiSecret: string;
  cookie: string;
}

export function defineEmqxCluster(
  input: ClusterDefInput,
  secrets: EmqxSecrets = {
    apiSecret: randomBytes(16).toString('hex'),
    cookie: `mqttlb-${randomBytes(8).toString('hex')}`,
  },
): ClusterDef {
  const keyFile: ContainerFile = {
    content: `${EMQX_API_KEY_NAME}:${secrets.apiSecret}:administrator\n`,
    target: EMQX_API_KEY_FILE,
    mode: 0o644,
  };
  const env = {
    ...clusterEnv(input.nodes, secrets.cookie),
    EMQX_API_KEY__BOOTSTRAP_FILE: hoconString(EMQX_API_KEY_FILE),
    EMQX_DASHBOARD__DEFAULT_USERNAME: EMQX_DASHBOARD_USER.username,
    EMQX_DASHBOARD__DEFAULT_PASSWORD: EMQX_DASHBOARD_USER.password,
    ...listenerEnv(input.trustProxy),
  };
  return {
    services: [],
    nodes: Array.from({ length: input.nodes }, (_, i) => emqxNode(i + 1, input, { env, keyFile })),
    apiAuth:
      input.apiAuth === 'login'
        ? { kind: 'login', ...EMQX_DASHBOARD_USER }
        : { kind: 'api-key', key: EMQX_API_KEY_NAME, secret: secrets.apiSecret },
    // Joining is retried every 5 s after up to 10 s (emqx.md §2), with transient 503s meanwhile.
    formationTimeoutMs: 90_000,
  };
}

export const emqxKind: BrokerKindDefinition = {
  kind: 'emqx',
  capabilities: EMQX_CAPABILITIES,
  images: {
    node: {
      role: 'emqx',
      env: 'MQTT_LB_EMQX_IMAGE',
      official: EMQX_DEFAULT_IMAGE,
      pullHint: `or set MQTT_LB_EMQX_IMAGE=${EMQX_MIRROR_IMAGE}, or docker load -i an exported image`,
    },
  },
  define: (input) => defineEmqxCluster(input),
  nodeApi: (address, def) => new HttpNodeApi(address, def.apiAuth),
  version(image, nodes) {
    const v = nodes.find((n) => n.version)?.version;
    return v ? `EMQX ${v} (${image})` : image;
  },
};
