/**
 * A RabbitMQ node's rabbitmq.conf and enabled-plugins file, shared by the local runtime (one node per loopback
 * address) and the docker runtime (one node per container, listening on 0.0.0.0): MQTT + management + AMQP
 * listeners, the harness's API user, statistics every 500 ms, declarative (classic_config) clustering.
 */

/** Ports every node serves on its own address (same number on each node). */
export const RABBIT_PORTS = { mqtt: 1883, management: 15672, amqp: 5672 } as const;

/** Management API user the harness (and a balancer's health check) authenticates with. */
export const RABBIT_API_USER = { username: 'mqtt-lb', password: 'mqtt-lb' } as const;

/** Statistics interval: a new connection shows in /api/connections after up to this long. */
export const STATS_INTERVAL_MS = 500;

export const ENABLED_PLUGINS = '[rabbitmq_management,rabbitmq_mqtt].\n';

/** Erlang scheduler arguments: one scheduler without busy-wait (right for 2-core machines). */
export const RABBIT_SCHEDULER_ARGS = '+S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none';

export interface RabbitConfSpec {
  /** Address the listeners bind (the node's loopback address, or 0.0.0.0 in a container). */
  ip: string;
  /** Erlang node names of every node of the cluster, for classic_config peer discovery. */
  peers: string[];
  /** mqtt.proxy_protocol (per node: a CONNECT without a PROXY header is then closed). */
  trustProxy: boolean;
}

export function rabbitConf(s: RabbitConfSpec): string {
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
