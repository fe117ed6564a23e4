/** What every test of the tls suite shares: the run's TLS target, handshakes as the run's clients make them, and refusal findings. */
import type { MqttClient } from 'mqtt';
import type { SuiteHarness } from '../suite/context.js';
import type { RunTls } from '../pki/run-tls.js';
import type { HostPort, MappingEntry } from '../types.js';
import { probeProtocolVersions, tryHandshake, type HandshakeResult, type ProtocolProbe } from './index.js';
import { tlsTarget, type TlsTarget } from './tls-target.js';
import { refusalFinding } from './suite-support.js';

/** A name no certificate of the run covers (host-name check must fail). */
export const OTHER_NAME = 'not-the-balancer.invalid';

export const endClient = (c: MqttClient): Promise<void> => new Promise((r) => c.end(true, {}, () => r()));

export class TlsSuiteSession {
  /** Makes client ids and topics of this suite run unique. */
  readonly run = `${process.pid}-${Date.now().toString(36)}`;
  private protocolProbes: Promise<ProtocolProbe[]> | undefined;

  constructor(private readonly h: SuiteHarness<'tls'>) {}

  topicFor(name: string): string {
    return `mqtt-lb/tls/${this.run}/${name}`;
  }

  ctx(): { tls: RunTls; t: TlsTarget } {
    const tls = this.h.deployment.tls;
    if (!tls) throw new Error('the deployment has no TLS set-up (profile without `tls:`)');
    return { tls, t: tlsTarget(this.h.deployment, tls) };
  }

  /** Client certificate for checks that are not about mTLS. */
  clientCert(tls: RunTls): { cert?: string; key?: string } {
    return tls.mtls && tls.client ? { cert: tls.client.cert, key: tls.client.key } : {};
  }

  /** How a client of the run reaches the TLS target: address, server name, the run's CA, its client certificate. */
  clientOptions(): { host: string; port: number; servername: string; ca: string; cert?: string; key?: string } {
    const { tls, t } = this.ctx();
    return { host: t.host, port: t.port, servername: t.servername, ca: tls.ca, ...this.clientCert(tls) };
  }

  handshake(extra: Partial<Parameters<typeof tryHandshake>[0]> = {}): Promise<HandshakeResult> {
    return tryHandshake({ ...this.clientOptions(), timeoutMs: 5000, ...extra });
  }

  /** The protocol-version probes, made once for the policy tests. */
  probeProtocols(): Promise<ProtocolProbe[]> {
    const { tls, t } = this.ctx();
    return (this.protocolProbes ??= probeProtocolVersions({
      host: t.host,
      port: t.port,
      servername: t.servername,
      ...this.clientCert(tls),
      timeoutMs: 5000,
    }));
  }

  /**
   * A mapped upstream (`<host>:<port>` as the balancer reaches it) as the harness reaches it: on docker the node alias
   * resolves only inside the run network, so the node's published port for that service is used instead.
   */
  reachableUpstream(u: MappingEntry): HostPort {
    const host = u.mapped.slice(0, u.mapped.lastIndexOf(':'));
    const port = Number(u.mapped.split(':').pop());
    const n = this.h.deployment.nodes.find((x) => x.name === u.node);
    if (!n || n.upstreamMqtt.host !== host) return { host, port };
    if (port === n.upstreamMqtt.port) return n.mqtt;
    if (port === n.upstreamHttp.port) return n.http;
    if (n.mqtts && port === 8883) return n.mqtts;
    return { host, port };
  }

  /** An error finding for a client-side refusal `code`, explained, with the certificate's remedy. */
  refused(what: string, code: string): void {
    const { t } = this.ctx();
    this.h.finding(refusalFinding(what, code, t, t.remedies.certificate));
  }
}
