/**
 * Files and environment of one local RabbitMQ node (pure): rabbitmq.conf, the enabled-plugins file and the
 * per-node environment (node name, ports, data/log directories under the run directory, private HOME with the
 * run's cookie, the run's own epmd).
 */
import path from 'node:path';

/** Ports every node serves on its own loopback address (same number on each node). */
export const RABBIT_PORTS = { mqtt: 1883, management: 15672, amqp: 5672 } as const;

/** Management API user the harness (and a balancer's health check) authenticates with. */
export const RABBIT_API_USER = { username: 'mqtt-lb', password: 'mqtt-lb' } as const;

/** Statistics interval: a new connection shows in /api/connections after up to this long. */
export const STATS_INTERVAL_MS = 500;

export interface RabbitNodeSpec {
  /** Harness node name: node1… */
  name: string;
  /** 1-based index. */
  index: number;
  /** The node's loopback address (MQTT, AMQP, management). */
  ip: string;
  /** Erlang distribution port (on 127.0.0.1; distinct per node). */
  distPort: number;
  /** The run's own epmd port. */
  epmdPort: number;
  /** Every node of the cluster, for declarative (classic_config) clustering. */
  peers: string[];
  cookie: string;
  /** Directory of this node under the run directory. */
  dir: string;
  trustProxy: boolean;
}

export function erlangNodeName(index: number): string {
  return `rmq${index}@localhost`;
}

export function rabbitConf(s: RabbitNodeSpec): string {
  return [
    `listeners.tcp.default = ${s.ip}:${RABBIT_PORTS.amqp}`,
    `management.tcp.ip = ${s.ip}`,
    `management.tcp.port = ${RABBIT_PORTS.management}`,
    `mqtt.listeners.tcp.default = ${s.ip}:${RABBIT_PORTS.mqtt}`,
    'mqtt.allow_anonymous = true',
    `mqtt.default_user = ${RABBIT_API_USER.username}`,
    `mqtt.default_pass = ${RABBIT_API_USER.password}`,
    ...(s.trustProxy ? ['mqtt.proxy_protocol = true'] : []),
    `default_user = ${RABBIT_API_USER.username}`,
    `default_pass = ${RABBIT_API_USER.password}`,
    'default_user_tags.administrator = true',
    'loopback_users = none',
    `collect_statistics_interval = ${STATS_INTERVAL_MS}`,
    // The management API caches an aggregated answer for 5 × the time the query took: after one slow query (a node
    // paused, a loaded machine) /api/connections stayed stale for seconds on the nodes that asked. No cache here.
    'management.db_cache_multiplier = 0',
    'cluster_formation.peer_discovery_backend = classic_config',
    ...s.peers.map((p, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${p}`),
    'log.console = true',
    'log.console.level = warning',
    'log.file.level = info',
    '',
  ].join('\n');
}

export const ENABLED_PLUGINS = '[rabbitmq_management,rabbitmq_mqtt].\n';

/** Erlang VM arguments: one scheduler without busy-wait (2-core machines), distribution on loopback, no epmd of its own. */
const ERL_ARGS = '+S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none -kernel inet_dist_use_interface {127,0,0,1}';

export function rabbitEnv(s: RabbitNodeSpec): Record<string, string> {
  return {
    HOME: path.join(s.dir, 'home'),
    RABBITMQ_NODENAME: erlangNodeName(s.index),
    RABBITMQ_CONFIG_FILE: path.join(s.dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(s.dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: path.join(s.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(s.dir, 'log'),
    RABBITMQ_PID_FILE: path.join(s.dir, 'rabbitmq.pid'),
    RABBITMQ_DIST_PORT: String(s.distPort),
    ERL_EPMD_PORT: String(s.epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: `${ERL_ARGS} -start_epmd false`,
  };
}
