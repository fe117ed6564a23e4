/**
 * One aedes broker wired to the shared Redis: mqemitter-redis for routing between nodes,
 * aedes-persistence-redis for sessions, retained messages and Wills.
 */
import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { Aedes, type Client, type ConnectPacket } from 'aedes';
import { Redis, type RedisOptions } from 'ioredis';
import mqemitterRedis from 'mqemitter-redis';
import persistenceRedis from 'aedes-persistence-redis';
import { errorText, type Logger } from './log.js';
import type { ClientFacts } from './client-info.js';
import { ConnackGates } from './connack-gate.js';
import { withExactOutgoingRefCount } from './outgoing-refcount.js';
import { StoreBeforePuback } from './store-before-puback.js';

export interface RedisAddress {
  host: string;
  port: number;
}

export interface BrokerOptions {
  name: string;
  redis: RedisAddress;
  heartbeatMs: number;
  log: Logger;
  facts: ClientFacts;
}

/** mqemitter-redis re-emits connection errors on `state`; its typings omit it. */
interface WithState {
  state: EventEmitter;
}

/** `stand-in/aedes-<version>`, read from aedes' own package.json. */
export function standinVersion(): string {
  const pkgUrl = new URL('package.json', import.meta.resolve('aedes'));
  const pkg = JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string };
  return `stand-in/aedes-${pkg.version}`;
}

/** Opens a Redis connection and fails fast (instead of retrying forever) when Redis is not there. */
export async function connectRedis(
  addr: RedisAddress,
  role: string,
  log: Logger,
  extra: RedisOptions = {},
): Promise<Redis> {
  const redis = new Redis({ host: addr.host, port: addr.port, lazyConnect: true, connectTimeout: 5000, ...extra });
  let connected = false;
  let connectError: Error | undefined;
  redis.on('error', function onRedisError(err: Error) {
    if (connected) log.event('redis.error', { role, error: errorText(err) });
    else connectError = err;
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${addr.host}:${addr.port}: ${errorText(connectError ?? err)}`);
  }
  connected = true;
  return redis;
}

export async function createBroker(opts: BrokerOptions): Promise<Aedes> {
  const { log, facts } = opts;
  const mq = mqemitterRedis({ host: opts.redis.host, port: opts.redis.port });
  // P1: without a listener, a Redis outage crashes the node with an unhandled 'error' event.
  (mq as unknown as WithState).state.on('error', function onMqError(err: Error) {
    log.event('mq.error', { error: errorText(err) });
  });
  const persistenceConn = await connectRedis(opts.redis, 'persistence', log);
  const gates = new ConnackGates();
  const storeFirst = new StoreBeforePuback();

  const broker = await Aedes.createBroker({
    id: opts.name,
    mq,
    // P12: the stock outgoingClearMessageId lets a double acknowledgement delete a message other sessions still have queued.
    persistence: withExactOutgoingRefCount(persistenceRedis({ conn: persistenceConn }), persistenceConn),
    heartbeatInterval: opts.heartbeatMs,
    // P13: stock aedes writes a QoS 1 PUBACK before it stores the message for the persistent subscribers.
    authorizePublish: storeFirst.authorizePublish,
    preConnect: function notePacket(
      client: Client,
      packet: ConnectPacket,
      done: (error: Error | null, success: boolean) => void,
    ) {
      facts.noteConnectPacket(client, packet.keepalive ?? 0);
      gates.install(client);
      done(null, true);
    },
  });

  storeFirst.install(broker);
  broker.on('connackSent', function onConnackSent(_packet: unknown, client: Client) {
    gates.connackSent(client);
  });
  broker.on('client', function onClient(client: Client) {
    facts.noteRegistered(client);
  });
  broker.on('clientError', function onClientError(client: Client, err: Error) {
    log.event('client.error', { clientid: client.id, error: errorText(err) });
  });
  broker.on('connectionError', function onConnectionError(_client: Client, err: Error) {
    log.event('connection.error', { error: errorText(err) });
  });
  broker.on('keepaliveTimeout', function onKeepaliveTimeout(client: Client) {
    log.event('client.keepalive_timeout', { clientid: client.id });
  });
  // aedes-server-factory and the Will sweeper emit 'error' on the broker: never let it crash the node.
  const brokerEvents: EventEmitter = broker; // aedes' typings omit the 'error' event
  brokerEvents.on('error', function onBrokerError(err: Error) {
    log.event('broker.error', { error: errorText(err) });
  });
  return broker;
}

/** A Will as aedes-persistence stores it. */
interface StoredWill {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  brokerId: string;
  clientId: string;
}

/** The persistence API this module uses (the callback-style wrapper aedes-persistence-redis returns). */
interface WillPersistence {
  streamWill(brokers: Record<string, number>): AsyncIterable<StoredWill>;
  delWill(client: { id: string; brokerId: string }): Promise<unknown>;
}

/**
 * Publishes the Wills left by an earlier process with this broker id (killed, then restarted).
 * Peers never publish them: they see this id heartbeating again. Call before accepting clients.
 */
export async function publishOrphanedWills(broker: Aedes, log: Logger): Promise<number> {
  const persistence = (broker as Aedes & { persistence: WillPersistence }).persistence;
  let published = 0;
  for await (const will of persistence.streamWill({})) {
    if (will.brokerId !== broker.id) continue;
    const { topic, payload, qos, retain } = will;
    await new Promise<void>((resolve, reject) => {
      broker.publish({ cmd: 'publish', topic, payload, qos, retain, dup: false }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
    await persistence.delWill({ id: will.clientId, brokerId: will.brokerId });
    published++;
  }
  if (published > 0) log.important('wills.orphaned_published', { count: published });
  return published;
}

/** Closes the broker (mq first, as aedes does) within `timeoutMs`. */
export function closeBroker(broker: Aedes, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    broker.close(function onBrokerClosed() {
      clearTimeout(timer);
      resolve();
    });
  });
}
