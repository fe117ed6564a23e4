/**
 * The client factory of a started deployment: MQTT.js clients with the harness's defaults (an 'error' listener, a
 * bounded connect that explains a non-MQTT answer, the profile's transport), tracked and closed by `stop()`.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Deployment, NodeName } from '../types.js';
import { ClientPool } from '../clients/mqtt.js';
import { protocolDiagnostics } from '../clients/protocol-diagnostics.js';
import { TransportRoute, type Transport } from '../clients/transport.js';

export type ClientOptions = IClientOptions & {
  /** Source address to connect from (e.g. 127.0.2.x, for source-hash balancing). */
  localAddress?: string;
  /** Bound on CONNACK, ms (default 10 000). */
  timeoutMs?: number;
};

let seq = 0;
const clientIdOf = (opts: ClientOptions): string => opts.clientId ?? `mqtt-lb-api-${process.pid}-${++seq}`;

export class ClientFactory {
  /** @internal */
  readonly pool = new ClientPool();

  /** @internal */
  constructor(
    private readonly deployment: Deployment,
    transports: readonly Transport[],
    trustProxy: boolean,
  ) {
    this.pool.diagnostics = protocolDiagnostics(
      deployment,
      trustProxy,
      () => undefined,
      () => 'library',
    );
    this.pool.route = new TransportRoute(
      [...transports],
      deployment.endpoints,
      deployment.tls && { ca: deployment.tls.ca, servername: deployment.tls.servername },
    );
  }

  /**
   * Connects through the balancer and resolves after CONNACK (rejects on refusal or after `timeoutMs`). Without
   * `reconnectPeriod` the client does not reconnect; with it, MQTT.js reconnects through the balancer after a fault.
   */
  connect(opts: ClientOptions = {}): Promise<MqttClient> {
    const { timeoutMs, ...rest } = opts;
    return this.pool.connect(this.deployment.endpoints.mqtt, { ...rest, clientId: clientIdOf(opts) }, timeoutMs);
  }

  /** Connects straight to one node's MQTT listener, bypassing the balancer. */
  connectTo(node: NodeName, opts: ClientOptions = {}): Promise<MqttClient> {
    const info = this.deployment.nodes.find((n) => n.name === node);
    if (!info) throw new Error(`no node named ${node} (nodes: ${this.deployment.nodes.map((n) => n.name).join(', ')})`);
    const { timeoutMs, ...rest } = opts;
    return this.pool.connect(info.mqtt, { ...rest, clientId: clientIdOf(opts) }, timeoutMs);
  }

  /** A client through the balancer that connects (and reconnects) in the background: watch its events. */
  create(opts: IClientOptions & { localAddress?: string } = {}): MqttClient {
    return this.pool.create(this.deployment.endpoints.mqtt, {
      reconnectPeriod: 500,
      ...opts,
      clientId: clientIdOf(opts),
    });
  }

  /** Clients created here and not yet ended. */
  get open(): number {
    return this.pool.size;
  }

  /** Ends every client created here (also done by the deployment's `stop()`). */
  closeAll(): Promise<void> {
    return this.pool.closeAll();
  }
}
