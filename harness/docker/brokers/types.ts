/**
 * A broker kind as containers: everything that differs between EMQX, RabbitMQ and the stand-in is data here (images,
 * env, command, aliases, ports, waits, API client and auth, boot order, capabilities). harness/docker/cluster.ts
 * turns it into containers with one code path, so what CI exercises with the stand-in is the code users run with EMQX.
 */
import type { Capabilities, HostPort, NodeApi, NodeName, NodeStatus } from '../../types.js';
import type { NodeApiAuth } from '../../observe/node-api.js';
import type { IMAGES } from '../images.js';

/** How testcontainers knows a container has started (harness/docker/waits.ts turns this into a strategy). */
export type WaitSpec =
  | { kind: 'log'; pattern: RegExp; timeoutMs: number }
  | { kind: 'http'; path: string; port: number; status: number; timeoutMs: number };

/** A file put into the container before it starts (content or a host file). */
export type ContainerFile = { target: string; mode: number } & ({ content: string } | { source: string });

/** Container ports of one node by role. */
export interface NodePorts {
  /** MQTT listener the balancer config's upstreams name (the port written in the user's config, normally 1883). */
  mqtt: number;
  /** MQTT listener the harness connects to directly (differs from `mqtt` when that one requires a PROXY header). */
  directMqtt: number;
  /** HTTP API (EMQX v5 subset), also the balancer's health-check port. */
  http: number;
  /** MQTT over TLS (passthrough topology), when configured. */
  mqtts?: number;
  /** MQTT over WebSocket (path /mqtt; EMQX 8083). */
  ws?: number;
  /** MQTT over secure WebSocket (path /mqtt; EMQX 8084), when the node has a certificate. */
  wss?: number;
}

/** One node container, as the kind definition generates it (pure data: unit-tested without an engine). */
export interface NodeContainerDef {
  name: NodeName;
  /** Node name as the node API reports it (EMQX `emqx@node1.emqx.io`, stand-in `node1`). */
  brokerNode: string;
  /** DNS name on the run network; the balancer's upstreams are mapped to `<alias>:<port>`. */
  alias: string;
  hostname?: string;
  image: string;
  /** Replaces the image's entrypoint (stand-in on a plain Node base image). */
  entrypoint?: string[];
  command?: string[];
  env: Record<string, string>;
  files: ContainerFile[];
  /** Host directories copied in (stand-in app on a plain Node base image). */
  directories: { source: string; target: string }[];
  ports: NodePorts;
  wait: WaitSpec;
}

/** A shared service of the cluster (the stand-in's Redis). */
export interface ServiceContainerDef {
  name: string;
  alias: string;
  image: string;
  command?: string[];
  ports: number[];
  wait: WaitSpec;
}

export interface ClusterDefInput {
  runId: string;
  nodes: number;
  /** Broker image chosen for the run (profile `broker.image`, environment, or the kind's default). */
  image: string;
  trustProxy: boolean;
  heartbeatMs: number;
  /** Host paths of the node certificate (passthrough TLS). */
  tls?: { cert: string; key: string; ca?: string };
  /** When the image is a plain Node base: the staged stand-in app directory on the host (harness/docker/app-stage.ts). */
  appDir?: string;
  /** Image of the shared service (stand-in: Redis). */
  serviceImage?: string;
  /** Node API authentication for kinds that need one (EMQX): bootstrap API key (default) or dashboard login. */
  apiAuth?: 'api-key' | 'login';
}

export interface ClusterDef {
  services: ServiceContainerDef[];
  nodes: NodeContainerDef[];
  /** How the harness authenticates against the node API. */
  apiAuth: NodeApiAuth;
  /** How long the cluster may take to list every node as running after each node's own wait passed. */
  formationTimeoutMs: number;
  /**
   * `first-alone`: node 1 starts (and passes its wait) before the others start in parallel (RabbitMQ: the first node
   * alone creates the MQTT plugin's client-id tracking cluster). Default: every node at once.
   */
  bootOrder?: 'parallel' | 'first-alone';
}

/** Image roles of the broker kinds' containers (harness/docker/image-choice.ts resolves each to an image). */
export type BrokerImageRole = 'emqx' | 'standin' | 'redis' | 'rabbitmq';

/** Where one of a kind's images comes from (profile and environment overrides come first: image-choice.ts). */
export interface KindImage {
  role: BrokerImageRole;
  /** Environment variable naming another image. */
  env: string;
  /** Key of the locally built image (scripts/docker/build-images.sh) in IMAGES, used when the engine has it. */
  built?: keyof typeof IMAGES;
  /** Official image (pulled on first use); `node-base` = the plain Node image the app is copied onto. */
  official: string;
  /** Built entry point copied onto a plain Node base image when no app image exists (stand-in). */
  appEntry?: string;
  /** How to get the image when it is neither present nor pullable (default: docker pull / build-images.sh). */
  pullHint?: string;
}

export interface BrokerKindDefinition {
  kind: 'standin' | 'emqx' | 'rabbitmq';
  capabilities: Capabilities;
  /** The node image and, for kinds with one, the shared service's image (stand-in: Redis). */
  images: { node: KindImage; service?: KindImage };
  define(input: ClusterDefInput): ClusterDef;
  /** The harness's client of one node's API (EMQX v5 shaped), at its published address. */
  nodeApi(address: HostPort, def: ClusterDef): NodeApi;
  /** Version string for the report, from the image name and the node API's `/api/v5/nodes` answer. */
  version(image: string, nodes: NodeStatus[]): string;
}
