/**
 * MQTT client helpers for suites: every client gets an 'error' listener (MQTT.js emits late errors,
 * aedes-standin P10), connects with a deadline, and is tracked so a suite can close all of them. With a transport
 * route (profile `clients.transport`), clients aimed at the balancer's MQTT endpoint go over WebSocket instead.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import mqtt, { MqttClient, type IClientOptions, type IPublishPacket } from 'mqtt';
import type { HostPort } from '../types.js';
import { withTimeout } from '../util/wait.js';
import type { Finding } from '../report/summary-types.js';
import { ConnectPhaseHistograms } from '../metrics/connect-phases.js';
import { FirstBytesSniffer } from './first-bytes-sniffer.js';
import { PhaseWatch } from './phase-watch.js';
import { isProtocolMismatch, ProtocolMismatchError } from './protocol-mismatch.js';
import { wsUrl, type TransportRoute, type WsTarget } from './transport.js';

export { nextConnack, publish, subscribe } from './acks.js';

export interface Received {
  topic: string;
  payload: Buffer;
  packet: IPublishPacket;
  at: number;
}

/** Explains a connect that met something other than MQTT, from the balancer config (and reports the finding). */
export interface ConnectDiagnostics {
  onMismatch(err: ProtocolMismatchError): Finding | undefined;
  /** A WebSocket client whose handshake was refused: the config line that explains it (e.g. no Upgrade headers). */
  onWsRefused?(url: string, reason: string): Finding | undefined;
}

export class ClientPool {
  private readonly clients = new Set<MqttClient>();
  /** Set by the suite harness once the deployment runs: turns protocol mismatches into findings naming a config line. */
  diagnostics?: ConnectDiagnostics;
  /** Set by the suite harness from the profile's `clients.transport`: which clients go over WebSocket. */
  route?: TransportRoute;
  /** Connection phase times of every client this pool creates (the suite's `connect_phases` metric). */
  readonly phases = new ConnectPhaseHistograms();

  /**
   * Connects and resolves after CONNACK; rejects on error/timeout (and ends the client). When the server answered
   * with something other than MQTT (HTTP, TLS, a PROXY header) or closed before any byte (without auto-reconnect),
   * rejects at once with a ProtocolMismatchError saying what came back, explained by `diagnostics` when set.
   */
  async connect(
    target: HostPort,
    opts: IClientOptions & { localAddress?: string } = {},
    timeoutMs = 10_000,
  ): Promise<MqttClient> {
    const client = this.create(target, { reconnectPeriod: 0, connectTimeout: timeoutMs, ...opts });
    // The first-bytes diagnostics read raw TCP: over WebSocket the stream carries decoded frames, and a refused
    // handshake (400, 404, 502) never reaches it; a refused handshake is explained from the config's ws paths instead.
    const wsUrlOf = viaWebSocket(client);
    const sniffer = wsUrlOf ? undefined : new FirstBytesSniffer(client.stream);
    const handshake = wsUrlOf ? new WsHandshakeWatch(client) : undefined;
    const mismatchOr = (err: Error): Error => {
      const first = sniffer?.result();
      return first && first.seen !== 'mqtt' ? new ProtocolMismatchError(target, first, err) : err;
    };
    const where = wsUrlOf ?? `${target.host}:${target.port}`;
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          const settle = (): void => {
            client.off('connect', onConnect);
            client.off('error', onError);
            client.off('close', onClose);
          };
          const onConnect = (): void => {
            settle();
            resolve();
          };
          const onError = (err: Error): void => {
            settle();
            reject(mismatchOr(err));
          };
          const onClose = (): void => {
            if (client.options.reconnectPeriod) return; // MQTT.js will retry: wait for CONNACK or the deadline
            settle();
            reject(
              wsUrlOf
                ? new Error(`${wsUrlOf} closed before CONNACK: ${handshake?.reason() ?? 'the connection was cut'}`)
                : sniffer?.received
                  ? mismatchOr(new Error(`${where} closed the connection before CONNACK`))
                  : new ProtocolMismatchError(target, undefined),
            );
          };
          client.once('connect', onConnect);
          client.once('error', onError);
          client.once('close', onClose);
        }),
        timeoutMs,
        `MQTT CONNACK from ${where} (client ${opts.clientId ?? '?'})`,
      );
    } catch (err) {
      client.end(true);
      const e = isProtocolMismatch(err) ? err : mismatchOr(err as Error);
      // A TLS client's failures are the tls suite's to explain (certificates, versions): the config-line diagnosis
      // is for plain MQTT clients meeting something that is not MQTT.
      if (isProtocolMismatch(e) && opts.protocol !== 'mqtts') {
        const finding = this.diagnostics?.onMismatch(e);
        if (finding) e.explain(finding);
      }
      const refused = wsUrlOf ? handshake?.refused() : undefined;
      if (wsUrlOf && refused) {
        const finding = this.diagnostics?.onWsRefused?.(wsUrlOf, refused);
        if (finding)
          e.message += `\n  → ${finding.title}${finding.file ? ` [${finding.file}:${finding.line ?? '?'}]` : ''}`;
      }
      throw e;
    } finally {
      sniffer?.stop();
      handshake?.stop();
    }
    return client;
  }

  /**
   * Creates a client without waiting for the connection (for auto-reconnecting clients).
   * `localAddress` binds the client's source address (e.g. 127.0.2.x for source-hash balancing).
   */
  create(target: HostPort, opts: IClientOptions & { localAddress?: string } = {}): MqttClient {
    const { localAddress, ...rest } = opts;
    const ws = this.route?.pick(target, rest.protocol);
    this.phases.clients += 1;
    const watch = new PhaseWatch(this.phases);
    const client = ws
      ? createWsClient(ws, rest, localAddress, watch.finishRequest)
      : this.createTcp(target, rest, localAddress);
    watch.attach(client);
    client.on('error', ignoreLateError);
    this.clients.add(client);
    const onEnd = (): void => void this.clients.delete(client);
    client.once('end', onEnd);
    return client;
  }

  private createTcp(target: HostPort, rest: IClientOptions, localAddress: string | undefined): MqttClient {
    // MQTT over TLS: MQTT.js hands its options to tls.connect, which takes localAddress itself.
    const client =
      localAddress && rest.protocol === 'mqtts'
        ? mqtt.connect({ host: target.host, port: target.port, ...rest, localAddress } as IClientOptions)
        : localAddress
          ? new MqttClient(() => net.connect({ host: target.host, port: target.port, localAddress }), {
              host: target.host,
              port: target.port,
              protocol: 'mqtt',
              ...rest,
            })
          : mqtt.connect({ host: target.host, port: target.port, protocol: 'mqtt', ...rest });
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.clients].map((c) => new Promise<void>((resolve) => c.end(true, {}, () => resolve()))));
    this.clients.clear();
  }

  get size(): number {
    return this.clients.size;
  }
}

/**
 * MQTT over WebSocket to the balancer's ws/wss endpoint (`ws://host:port/mqtt`), from `localAddress` when given;
 * `finishRequest` (ws's option) lets the phase watch see each upgrade request.
 */
function createWsClient(
  ws: WsTarget,
  rest: IClientOptions,
  localAddress: string | undefined,
  finishRequest: PhaseWatch['finishRequest'],
): MqttClient {
  const tls = ws.ca ? { ca: readFileSync(ws.ca), ...(ws.servername ? { servername: ws.servername } : {}) } : {};
  return mqtt.connect(wsUrl(ws), {
    ...rest,
    ...tls,
    protocol: ws.transport,
    wsOptions: { ...(localAddress ? { localAddress } : {}), ...tls, finishRequest },
  });
}

/** Remembers why a WebSocket client's stream failed (`Unexpected server response: 404` for a refused handshake). */
class WsHandshakeWatch {
  private error: Error | undefined;
  private readonly onStreamError = (err: Error): void => {
    this.error ??= err;
  };

  constructor(private readonly client: MqttClient) {
    client.stream.on('error', this.onStreamError);
  }

  reason(): string | undefined {
    const m = this.error?.message;
    if (!m) return undefined;
    return /Unexpected server response/.test(m) ? `WebSocket handshake refused (${m})` : m;
  }

  /** The server's refusal of the upgrade (`Unexpected server response: 400`), when that is what happened. */
  refused(): string | undefined {
    const m = this.error?.message;
    return m && /Unexpected server response/.test(m) ? m : undefined;
  }

  stop(): void {
    this.client.stream.off('error', this.onStreamError);
  }
}

/** The ws:// URL of a client that connects over WebSocket, else undefined. */
function viaWebSocket(client: MqttClient): string | undefined {
  const o = client.options;
  return o.protocol === 'ws' || o.protocol === 'wss'
    ? `${o.protocol}://${o.hostname ?? o.host}:${o.port}${o.path ?? ''}`
    : undefined;
}

function ignoreLateError(): void {
  /* connection errors are observed through connect()/events; a late 'error' must not crash the run */
}

/** Collects messages on a client; `waitFor(n)` resolves when n have arrived. */
export class Inbox {
  readonly messages: Received[] = [];
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(client: MqttClient, filter?: (topic: string) => boolean) {
    const onMessage = (topic: string, payload: Buffer, packet: IPublishPacket): void => {
      if (filter && !filter(topic)) return;
      this.messages.push({ topic, payload, packet, at: Date.now() });
      this.waiters = this.waiters.filter((w) => {
        if (this.messages.length >= w.n) w.resolve();
        return this.messages.length < w.n;
      });
    };
    client.on('message', onMessage);
  }

  waitFor(n: number, timeoutMs: number, what = `${n} messages`): Promise<void> {
    if (this.messages.length >= n) return Promise.resolve();
    const p = new Promise<void>((resolve) => this.waiters.push({ n, resolve }));
    return withTimeout(p, timeoutMs, `${what} (got ${this.messages.length})`);
  }
}
