/** The tls suite's topology, cross-node and mutual-TLS checks, as assertion builders over a TlsSuiteSession. */
import { expect } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import type { SuiteHarness } from '../suite/context.js';
import { Inbox, publish, subscribe } from '../clients/mqtt.js';
import { waitFor } from '../util/wait.js';
import { isRefusal, tryHandshake } from './index.js';
import { connectMqttsPlaced } from './mqtts-clients.js';
import { locationOf } from './tls-target.js';
import type { TlsSuiteSession } from './suite-session.js';

type Tls = SuiteHarness<'tls'>;

/** Offload: every upstream of the TLS frontend answers a ClientHello without TLS (plain TCP to the nodes). */
export async function expectPlainUpstreams(h: Tls, s: TlsSuiteSession): Promise<void> {
  const { t } = s.ctx();
  const fe = h.deployment.endpoints.frontends[t.frontend ?? ''];
  expect(fe?.tls).toBe(true);
  const upstreams = h.deployment.balancer.mapping.filter((m) => m.backend === fe?.backend);
  expect(upstreams.length).toBeGreaterThan(0);
  for (const u of upstreams) {
    const { host, port } = s.reachableUpstream(u);
    const direct = await tryHandshake({
      host,
      port,
      servername: t.servername,
      verifyChain: false,
      timeoutMs: 3000,
      confirmMs: 0,
    });
    // The upstream must have answered (a plain-TCP refusal of the ClientHello), else this proves nothing.
    expect({ upstream: `${u.mapped} via ${host}:${port}`, outcome: direct.outcome }).not.toMatchObject({
      outcome: expect.stringMatching(/^(no-server|error)$/),
    });
    if (direct.ok)
      h.finding({
        severity: 'error',
        title: `${u.node} (${u.mapped}) speaks TLS: the balancer re-encrypts or relays TLS, this is not offload.`,
        line: u.line,
        file: h.deployment.balancer.configFile,
      });
    expect(direct.ok).toBe(false);
  }
}

/** Passthrough: each node's own TLS listener serves the certificate seen through the balancer. */
export async function expectNodesServeTheCertificate(h: Tls, s: TlsSuiteSession): Promise<void> {
  const { t } = s.ctx();
  const fe = h.deployment.endpoints.frontends[t.frontend ?? ''];
  expect(fe?.tls).toBe(false);
  const via = await s.handshake({ verifyChain: false });
  expect(via.peerCertificate).toBeDefined();
  for (const n of h.deployment.nodes) {
    // The node's own TLS listener as the harness reaches it (docker: a published port; the alias only resolves inside).
    const listener = n.mqtts ?? { host: n.upstreamMqtt.host, port: 8883 };
    const direct = await tryHandshake({
      ...s.clientOptions(),
      host: listener.host,
      port: listener.port,
      verifyChain: false,
      timeoutMs: 3000,
    });
    if (direct.peerCertificate?.fingerprint256 !== via.peerCertificate?.fingerprint256) {
      h.finding({
        severity: 'error',
        title: `${n.name}'s TLS listener serves a different certificate than the one seen through the balancer.`,
        detail: `node: ${direct.peerCertificate?.subject ?? direct.error?.code}; via balancer: ${via.peerCertificate?.subject}`,
      });
    }
    expect(direct.peerCertificate?.fingerprint256).toBe(via.peerCertificate?.fingerprint256);
  }
}

/** Publishes `count` QoS 1 messages from `pub` to `sub` (after a route probe on a topic of its own); returns what arrived. */
export async function crossNodeMessages(sub: MqttClient, pub: MqttClient, base: string, count = 20): Promise<string[]> {
  // Route probes on a topic of their own: a late probe must not count as one of the messages.
  const [topic, probeTopic] = [`${base}/data`, `${base}/probe`];
  const inbox = new Inbox(sub, (x) => x === topic);
  const probes = new Inbox(sub, (x) => x === probeTopic);
  await subscribe(sub, `${base}/+`, 1);
  await waitFor(
    async () => {
      await publish(pub, probeTopic, 'probe', { qos: 0 });
      await probes.waitFor(probes.messages.length + 1, 100).catch(() => undefined);
      return probes.messages.length > 0;
    },
    { timeoutMs: 5000, intervalMs: 1, what: `route for ${base}/+` },
  );
  for (let i = 0; i < count; i++) await publish(pub, topic, `m${i}`, { qos: 1 });
  await inbox.waitFor(count, 10_000, `${count} QoS 1 messages over TLS`);
  return inbox.messages.map((m) => m.payload.toString());
}

/** mTLS: a client `what` (no certificate, or one from an unknown CA) is refused by the server, at TLS and MQTT level. */
export async function expectRefusedWithout(
  h: Tls,
  s: TlsSuiteSession,
  what: string,
  label: string,
  client: { cert: string; key: string } | undefined,
): Promise<void> {
  const { tls, t } = s.ctx();
  // Judged at the MQTT level: some servers issue a TLS 1.3 ticket before refusing the certificate (NGINX).
  const r = await s.handshake({ cert: client?.cert, key: client?.key, confirmWith: 'mqtt' });
  if (r.ok)
    h.finding({
      severity: 'error',
      title: `${t.where} accepted a client ${what}.`,
      detail: `${r.protocol} ${r.cipher}; server verdict seen: ${r.confirmed ?? 'n/a'}`,
      ...locationOf(t),
      remedy: t.remedies.mtls,
    });
  expect(r.ok).toBe(false);
  // Refused by the server (an alert or a close), not by our own client.
  expect(isRefusal(r.outcome) && r.outcome !== 'refused-by-client').toBe(true);
  await expect(
    connectMqttsPlaced(
      h.deployment,
      h.pool,
      tls,
      `tls-mtls-${label}-${s.run}`,
      { client: client ?? null },
      { connectTimeout: 5000 },
    ),
  ).rejects.toThrow();
}
