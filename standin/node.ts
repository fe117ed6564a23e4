/**
 * Stand-in broker node: one aedes broker per process, nodes sharing one Redis behave like an EMQX cluster.
 *
 *   node dist/standin/node.js --name node1 --bind 127.0.1.1 --mqtt-port 1883 --http-port 18083 --redis 127.0.0.1:6390 \
 *     [--ws-port 8083]
 *
 * Prints `READY {"name":…,"mqtt":…,"http":…[,"tls"][,"ws"][,"wss"]}` on stdout when all listeners are up; logs JSON lines on stderr.
 * Exit codes: 0 after SIGTERM/SIGINT, 1 on startup failure (listen error, Redis unreachable), 2 on bad arguments.
 */
import type { Server } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { Aedes, Client } from 'aedes';
import type { Redis } from 'ioredis';
import { parseNodeArgs, UsageError, USAGE, type NodeArgs } from './args.js';
import { createLogger, errorText, type Logger } from './log.js';
import { closeBroker, connectRedis, createBroker, publishOrphanedWills, standinVersion } from './broker.js';
import { clientRow, ClientFacts } from './client-info.js';
import { ClusterView, clientsOf } from './cluster-view.js';
import { createHttpApi, kickOnPeer } from './http-api.js';
import { closeServer, createMqttServer, createTlsServer, listen, ListenError } from './listeners.js';
import { createWsServer } from './ws-listener.js';
import { Registry } from './registry.js';
import { watchParent } from './parent-watch.js';

/** Time for Wills of destroyed connections to go out before the broker closes (pitfall P3). */
const WILL_FLUSH_MS = 300;
const SHUTDOWN_DEADLINE_MS = 5000;

interface Running {
  broker?: Aedes;
  registry?: Registry;
  redis?: Redis;
  mqttServers: Server[];
  httpServer?: HttpServer;
}

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function readArgs(): NodeArgs {
  try {
    const parsed = parseNodeArgs(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    return parsed;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`standin: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
}

function wireClientEvents(broker: Aedes, registry: Registry, name: string, facts: ClientFacts, log: Logger): void {
  const publishIfCurrent = (client: Client): void => {
    if (clientsOf(broker)[client.id] === client && !client.closed) registry.clientUp(clientRow(client, name, facts));
  };
  broker.on('client', function onClientRegistered(client: Client) {
    const row = clientRow(client, name, facts);
    log.event('client.connect', {
      clientid: row.clientid,
      ip: row.ip_address,
      port: row.port,
      proxy: row.proxy,
      listener: row.listener,
      clean: row.clean_start,
    });
    registry.clientUp(row);
  });
  broker.on('clientReady', publishIfCurrent);
  broker.on('subscribe', function onSubscribe(_subs: unknown, client: Client) {
    publishIfCurrent(client);
  });
  broker.on('unsubscribe', function onUnsubscribe(_unsubs: unknown, client: Client) {
    publishIfCurrent(client);
  });
  broker.on('clientDisconnect', function onClientDisconnect(client: Client) {
    log.event('client.disconnect', { clientid: client.id });
    const current = clientsOf(broker)[client.id];
    if (current && current !== client && !current.closed) registry.clientUp(clientRow(current, name, facts));
    else registry.clientDown(client.id);
  });
}

async function shutdown(running: Running, log: Logger, reason: string): Promise<never> {
  log.important('node.stopping', { reason });
  const deadline = setTimeout(() => {
    log.important('node.stop_timeout', { ms: SHUTDOWN_DEADLINE_MS });
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  const closingServers = running.mqttServers.map((s) => closeServer(s, 1000));
  if (running.broker) {
    // P3: destroy sockets first so Wills are published, give them time, then close the broker.
    for (const client of Object.values(clientsOf(running.broker))) client?.conn.destroy();
    await new Promise((resolve) => setTimeout(resolve, WILL_FLUSH_MS));
    await closeBroker(running.broker, 2000);
  }
  await running.registry
    ?.stop()
    .catch((err: unknown) => log.important('registry.stop_failed', { error: errorText(err) }));
  if (running.httpServer) {
    const httpClosed = closeServer(running.httpServer, 500);
    running.httpServer.closeAllConnections();
    await httpClosed;
  }
  await Promise.all(closingServers);
  running.redis?.disconnect();
  clearTimeout(deadline);
  log.important('node.stopped', { reason });
  log.close();
  process.exit(0);
}

async function start(args: NodeArgs, running: Running, log: Logger): Promise<string> {
  const version = standinVersion();
  const startedAt = Date.now();
  const facts = new ClientFacts();
  running.redis = await connectRedis(args.redis, 'registry', log, { commandTimeout: 2000 });
  const broker = await createBroker({ name: args.name, redis: args.redis, heartbeatMs: args.heartbeatMs, log, facts });
  running.broker = broker;
  await publishOrphanedWills(broker, log);

  const mqttServer = createMqttServer(broker, args.trustProxy, log, args.noDelay);
  const tlsServer = args.tls ? createTlsServer(broker, args.tls, args.noDelay) : undefined;
  const wsServer =
    args.wsPort !== undefined
      ? createWsServer(broker, { trustProxy: args.trustProxy, log, noDelay: args.noDelay })
      : undefined;
  const wssServer =
    args.wssPort !== undefined && args.tls
      ? createWsServer(broker, { trustProxy: args.trustProxy, log, noDelay: args.noDelay, tls: args.tls })
      : undefined;
  running.mqttServers = [mqttServer, tlsServer, wsServer, wssServer].filter((x): x is Server => x !== undefined);
  // Views need the registry and the registry needs the view's rows: the closures below break the cycle.
  // eslint-disable-next-line prefer-const -- read by the closures below before it is assigned
  let view: ClusterView | undefined;
  const addresses = { mqtt: '', http: '', tls: '', ws: '', wss: '' };
  const registry = new Registry(
    running.redis,
    {
      node: args.name,
      get mqtt() {
        return addresses.mqtt;
      },
      get http() {
        return addresses.http;
      },
      version,
      startedAt,
      heartbeatMs: args.heartbeatMs,
      liveConnections: () => view?.localClients().length ?? 0,
      localRows: () => view?.localRows() ?? [],
    },
    log,
  );
  view = new ClusterView({
    name: args.name,
    version,
    startedAt,
    broker,
    registry,
    facts,
    kickOnPeer: (http, id) => kickOnPeer(http, id),
  });
  const httpServer = createHttpApi({ view, version, log });
  running.httpServer = httpServer;

  const [mqttPort, httpPort, tlsPort, wsPort, wssPort] = await Promise.all([
    listen(mqttServer, 'MQTT', args.bind, args.mqttPort),
    listen(httpServer, 'HTTP API', args.bind, args.httpPort),
    tlsServer && args.tls ? listen(tlsServer, 'MQTT/TLS', args.bind, args.tls.port) : Promise.resolve(undefined),
    wsServer ? listen(wsServer, 'MQTT/WebSocket', args.bind, args.wsPort ?? 0) : Promise.resolve(undefined),
    wssServer ? listen(wssServer, 'MQTT/WebSocket TLS', args.bind, args.wssPort ?? 0) : Promise.resolve(undefined),
  ]);
  for (const server of [...running.mqttServers, httpServer]) {
    server.on('error', function onServerError(err: Error) {
      log.event('server.error', { error: errorText(err) });
    });
  }
  addresses.mqtt = hostPort(args.bind, mqttPort);
  addresses.http = hostPort(args.bind, httpPort);
  if (tlsPort !== undefined) addresses.tls = hostPort(args.bind, tlsPort);
  if (wsPort !== undefined) addresses.ws = hostPort(args.bind, wsPort);
  if (wssPort !== undefined) addresses.wss = hostPort(args.bind, wssPort);

  wireClientEvents(broker, registry, args.name, facts, log);
  await registry.start();
  running.registry = registry;
  const ready = {
    name: args.name,
    mqtt: addresses.mqtt,
    http: addresses.http,
    ...(addresses.tls ? { tls: addresses.tls } : {}),
    ...(addresses.ws ? { ws: addresses.ws } : {}),
    ...(addresses.wss ? { wss: addresses.wss } : {}),
  };
  log.important('node.ready', { ...ready, version, trust_proxy: args.trustProxy, heartbeat_ms: args.heartbeatMs });
  return `READY ${JSON.stringify(ready)}\n`;
}

async function main(): Promise<void> {
  // A parent that died closes our pipes: EPIPE must not crash the node before it shuts down cleanly.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const args = readArgs();
  const log = createLogger({ node: args.name });
  const running: Running = { mqttServers: [] };
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    void shutdown(running, log, reason);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (process.env['STANDIN_EXIT_WITH_PARENT'] === '1') watchParent(() => stop('parent exited'));

  try {
    const readyLine = await start(args, running, log);
    if (!stopping) process.stdout.write(readyLine);
  } catch (err) {
    const what = err instanceof ListenError ? err.message : `startup failed: ${errorText(err)}`;
    process.stderr.write(`standin ${args.name}: ${what}\n`);
    process.exit(1);
  }
}

void main();
