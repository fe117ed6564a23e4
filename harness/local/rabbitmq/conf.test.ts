/** The rabbitmq kind's node files and environment, and what its capabilities make the suites skip (no broker started). */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { rabbitConf, rabbitEnv, erlangNodeName, type RabbitNodeSpec } from './conf.js';
import { resolveAbilities } from '../../abilities.js';
import { unmet } from '../../needs.js';
import { loadProfile } from '../../profile/load.js';
import { projectRoot } from '../../util/project-root.js';

const spec: RabbitNodeSpec = {
  name: 'node2',
  index: 2,
  ip: '127.0.5.2',
  distPort: 41002,
  epmdPort: 41000,
  peers: [1, 2, 3].map(erlangNodeName),
  cookie: 'C',
  dir: '/run/x/rabbitmq/node2',
  trustProxy: false,
};

describe('rabbitmq node files', () => {
  test('listeners on the node address, every peer for classic_config, statistics every 500 ms', () => {
    const conf = rabbitConf(spec);
    expect(conf).toMatch(/^mqtt\.listeners\.tcp\.default = 127\.0\.5\.2:1883$/m);
    expect(conf).toMatch(/^management\.tcp\.ip = 127\.0\.5\.2$/m);
    expect(conf).toMatch(/^listeners\.tcp\.default = 127\.0\.5\.2:5672$/m);
    expect(conf).toMatch(/^cluster_formation\.classic_config\.nodes\.3 = rmq3@localhost$/m);
    expect(conf).toMatch(/^collect_statistics_interval = 500$/m);
    expect(conf).not.toMatch(/proxy_protocol/);
    expect(rabbitConf({ ...spec, trustProxy: true })).toMatch(/^mqtt\.proxy_protocol = true$/m);
  });

  test('environment: data, logs and cookie under the run directory, the run own epmd, no epmd of its own', () => {
    const env = rabbitEnv(spec);
    expect(env).toMatchObject({
      HOME: '/run/x/rabbitmq/node2/home',
      RABBITMQ_NODENAME: 'rmq2@localhost',
      RABBITMQ_MNESIA_BASE: '/run/x/rabbitmq/node2/mnesia',
      RABBITMQ_LOG_BASE: '/run/x/rabbitmq/node2/log',
      RABBITMQ_DIST_PORT: '41002',
      ERL_EPMD_PORT: '41000',
    });
    expect(env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toMatch(/-start_epmd false/);
  });

  test('the RabbitMQ profile skips QoS 2, cross-node retained, MQTT 5 and $share with the broker reason', async () => {
    const p = loadProfile(path.join(projectRoot(), 'fixtures/profiles/nightly/rabbitmq-haproxy-roundrobin.yaml'));
    const { abilities } = await resolveAbilities(p);
    expect(unmet(['qos2'], abilities)).toMatch(/^rabbitmq broker: QoS 2 is downgraded to QoS 1/);
    expect(unmet(['cluster-retained'], abilities)).toMatch(/^rabbitmq broker: Retained messages are node-local/);
    expect(unmet(['mqtt5'], abilities)).toMatch(/^rabbitmq broker: MQTT 5 not supported/);
    expect(unmet(['shared-subscriptions'], abilities)).toMatch(/no shared subscriptions/);
    expect(unmet(['kill', 'pause', 'resume', 'restart', 'stop', 'spread-placement'], abilities)).toBe(false);
  });
});
