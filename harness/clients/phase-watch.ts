/**
 * Times one MQTT client's connection attempts phase by phase (TCP connect, TLS handshake, WebSocket upgrade, CONNACK)
 * and its SUBSCRIBE → SUBACK round trips, from socket and MQTT.js events only (listeners, no wrapping of writes), into
 * the pool's per-suite histograms.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import net from 'node:net';
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { MqttClient, Packet } from 'mqtt';
import type { ConnectPhaseHistograms } from '../metrics/connect-phases.js';

/** One attempt: a client's first connect or a reconnect; each phase is recorded at most once. */
class Attempt {
  private readonly t0 = performance.now();
  private tcpAt: number | undefined;
  private tlsAt: number | undefined;
  private connacked = false;

  constructor(private readonly sink: ConnectPhaseHistograms) {
    sink.attempts += 1;
  }

  /** Watches a socket the attempt connects with (net.Socket or TLSSocket, before its 'connect'). */
  watchSocket(socket: net.Socket): void {
    socket.once('connect', this.onTcpConnect);
    if ('encrypted' in socket) socket.once('secureConnect', this.onSecureConnect);
  }

  /** The socket an HTTP upgrade request (WebSocket) got. */
  readonly onRequestSocket = (socket: net.Socket): void => {
    if (socket.connecting) this.watchSocket(socket);
  };

  readonly onTcpConnect = (): void => {
    this.tcpAt = performance.now();
    this.sink.record('tcp', this.tcpAt - this.t0);
  };

  readonly onSecureConnect = (): void => {
    if (this.tcpAt === undefined) return;
    this.tlsAt = performance.now();
    this.sink.record('tls', this.tlsAt - this.tcpAt);
  };

  readonly onUpgrade = (_res: IncomingMessage): void => {
    const from = this.tlsAt ?? this.tcpAt;
    if (from !== undefined) this.sink.record('ws_upgrade', performance.now() - from);
  };

  connack(): void {
    if (this.connacked) return;
    this.connacked = true;
    this.sink.record('connack', performance.now() - this.t0);
  }
}

/** Created by the pool before the client (its first attempt starts then); `attach` once MQTT.js built the client. */
export class PhaseWatch {
  private attempt: Attempt;
  private client: MqttClient | undefined;
  private lastStream: unknown;
  /** SUBSCRIBE packets written and not yet acknowledged, by message id. */
  private readonly subscribes = new Map<number, number>();

  constructor(private readonly sink: ConnectPhaseHistograms) {
    this.attempt = new Attempt(sink);
  }

  /**
   * ws's `finishRequest` option (WebSocket clients): sees the upgrade request of each attempt, its socket and the
   * 101 response, then sends the request as ws would.
   */
  readonly finishRequest = (req: ClientRequest, websocket: EventEmitter): void => {
    req.once('socket', this.attempt.onRequestSocket);
    websocket.once('upgrade', this.attempt.onUpgrade);
    req.end();
  };

  attach(client: MqttClient): void {
    this.client = client;
    const o = client.options;
    this.sink.transports.add(
      o.protocol === 'mqtts' ? 'tls' : o.protocol === 'ws' || o.protocol === 'wss' ? o.protocol : 'tcp',
    );
    this.watchStream();
    client.on('connect', this.onConnack);
    client.on('reconnect', this.onReconnect);
    client.on('packetsend', this.onPacketSend);
    client.on('packetreceive', this.onPacketReceive);
  }

  /** MQTT over TCP/TLS: the client's stream is the socket itself (a WebSocket stream is watched by finishRequest). */
  private watchStream(): void {
    const stream = this.client?.stream;
    if (stream === this.lastStream) return;
    this.lastStream = stream;
    if (stream instanceof net.Socket && stream.connecting) this.attempt.watchSocket(stream);
  }

  private readonly onConnack = (): void => this.attempt.connack();

  /** MQTT.js emits 'reconnect' right before it builds the next stream (synchronously, in `connect()`). */
  private readonly onReconnect = (): void => {
    this.attempt = new Attempt(this.sink);
    this.subscribes.clear();
    queueMicrotask(this.onStreamBuilt);
  };

  private readonly onStreamBuilt = (): void => this.watchStream();

  private readonly onPacketSend = (packet: Packet): void => {
    if (packet.cmd === 'subscribe' && packet.messageId !== undefined)
      this.subscribes.set(packet.messageId, performance.now());
  };

  private readonly onPacketReceive = (packet: Packet): void => {
    if (packet.cmd !== 'suback' || packet.messageId === undefined) return;
    const sentAt = this.subscribes.get(packet.messageId);
    if (sentAt === undefined) return;
    this.subscribes.delete(packet.messageId);
    this.sink.record('suback', performance.now() - sentAt);
  };
}
