/**
 * Files and environment of one local RabbitMQ node (pure): rabbitmq.conf, the enabled-plugins file and the
 * per-node environment (node name, ports, data/log directories under the run directory, private HOME with the
 * run's cookie, the run's own epmd).
 */
import path from 'node:path';

// The node files are shared with the docker runtime (harness/brokers/rabbitmq-conf.ts).
import { RABBIT_SCHEDULER_ARGS } from '../../brokers/rabbitmq-conf.js';
export {
  RABBIT_PORTS,
  RABBIT_API_USER,
  STATS_INTERVAL_MS,
  ENABLED_PLUGINS,
  rabbitConf,
} from '../../brokers/rabbitmq-conf.js';

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

/** Erlang VM arguments: one scheduler without busy-wait (2-core machines), distribution on loopback, no epmd of its own. */
const ERL_ARGS = `${RABBIT_SCHEDULER_ARGS} -kernel inet_dist_use_interface {127,0,0,1}`;

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
