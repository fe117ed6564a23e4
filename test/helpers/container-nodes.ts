/** For the docker-runtime unit tests (no engine needed): NodeInfo the way the docker cluster builds it. */
import type { NodeContainerDef } from '../../harness/docker/brokers/types.js';
import type { NodeInfo } from '../../harness/types.js';

/** Host side on published ports (MQTT 40000+i, HTTP 41000+i on 127.0.0.1), upstreams by alias on the run network. */
export function containerNodes(defs: readonly NodeContainerDef[]): NodeInfo[] {
  return defs.map((d, i) => ({
    name: d.name,
    brokerNode: d.brokerNode,
    mqtt: { host: '127.0.0.1', port: 40000 + i },
    http: { host: '127.0.0.1', port: 41000 + i },
    upstreamMqtt: { host: d.alias, port: d.ports.mqtt },
    upstreamHttp: { host: d.alias, port: d.ports.http },
  }));
}
