/** Broker kinds the docker runtime can start, by profile `broker.kind`. */
import type { BrokerKindDefinition } from './types.js';
import { standinKind } from './standin.js';
import { emqxKind } from './emqx.js';
import { rabbitmqKind } from './rabbitmq.js';

export const dockerBrokerKinds: Record<string, BrokerKindDefinition> = {
  standin: standinKind,
  emqx: emqxKind,
  rabbitmq: rabbitmqKind,
};
