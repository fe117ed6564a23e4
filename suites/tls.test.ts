/**
 * MQTT over TLS through the balancer (the EMQX guide's first topology: TLS at the balancer, clients verifying with a
 * CA file, `--insecure` to skip the host-name check): topology, connect + cross-node pub/sub, client-side refusals
 * (also with the real mosquitto_pub), protocol and cipher policy, mutual TLS, certificate facts, handshake cost.
 * Balancer-neutral: everything goes to `endpoints.mqtts`; the run's TLS set-up is `deployment.tls`.
 */
import { describe, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { useDeployment } from '../harness/suite/context.js';
import { Inbox, publish, subscribe } from '../harness/clients/mqtt.js';
import { waitFor } from '../harness/util/wait.js';
import {
  certFacts,
  certFindings,
  certificateMetric,
  isRefusal,
  measureHandshakes,
  nameCovered,
  probeProtocolVersions,
  runMosquittoPub,
  tryHandshake,
  type HandshakeResult,
  type ProtocolProbe,
} from '../harness/tls/index.js';
import { probeCipherFamilies } from '../harness/tls/cipher-families.js';
import { connectMqttsOnDistinctNodes, connectMqttsPlaced } from '../harness/tls/mqtts-clients.js';
import {
  ciphersByVersion,
  cipherPolicyFindings,
  expectedVerdict,
  protocolPolicyFindings,
} from '../harness/tls/policy-check.js';
import { locationOf, tlsTarget, type TlsTarget } from '../harness/tls/tls-target.js';
import { refusalFinding } from '../harness/tls/suite-support.js';
import type { RunTls } from '../harness/pki/run-tls.js';
import type { HostPort, MappingEntry } from '../harness/types.js';
import { PROTOCOL_VERSIONS } from '../harness/pki/run-tls.js';

const h = useDeployment('tls');
const run = `${process.pid}-${Date.now().toString(36)}`;
const topicFor = (name: string): string => `mqtt-lb/tls/${run}/${name}`;
const endClient = (c: MqttClient): Promise<void> => new Promise((r) => c.end(true, {}, () => r()));
/** A name no certificate of the run covers (host-name check must fail). */
const OTHER_NAME = 'not-the-balancer.invalid';

function ctx(): { tls: RunTls; t: TlsTarget } {
  const tls = h.deployment.tls;
  if (!tls) throw new Error('the deployment has no TLS set-up (profile without `tls:`)');
  return { tls, t: tlsTarget(h.deployment, tls) };
}
/** Client certificate for checks that are not about mTLS. */
const clientCert = (tls: RunTls): { cert?: string; key?: string } =>
  tls.mtls && tls.client ? { cert: tls.client.cert, key: tls.client.key } : {};
const handshake = (extra: Partial<Parameters<typeof tryHandshake>[0]> = {}): Promise<HandshakeResult> => {
  const { tls, t } = ctx();
  return tryHandshake({
    host: t.host,
    port: t.port,
    servername: t.servername,
    ca: tls.ca,
    ...clientCert(tls),
    timeoutMs: 5000,
    ...extra,
  });
};
let protocolProbes: Promise<ProtocolProbe[]> | undefined;
const probeProtocols = (): Promise<ProtocolProbe[]> => {
  const { tls, t } = ctx();
  return (protocolProbes ??= probeProtocolVersions({
    host: t.host,
    port: t.port,
    servername: t.servername,
    ...clientCert(tls),
    timeoutMs: 5000,
  }));
};

/**
 * A mapped upstream (`<host>:<port>` as the balancer reaches it) as the harness reaches it: on docker the node alias
 * resolves only inside the run network, so the node's published port for that service is used instead.
 */
function reachableUpstream(u: MappingEntry): HostPort {
  const host = u.mapped.slice(0, u.mapped.lastIndexOf(':'));
  const port = Number(u.mapped.split(':').pop());
  const n = h.deployment.nodes.find((x) => x.name === u.node);
  if (!n || n.upstreamMqtt.host !== host) return { host, port };
  if (port === n.upstreamMqtt.port) return n.mqtt;
  if (port === n.upstreamHttp.port) return n.http;
  if (n.mqtts && port === 8883) return n.mqtts;
  return { host, port };
}

describe('topology', () => {
  h.test('offload: TLS ends at the balancer, plain TCP to the nodes', { needs: [{ tls: 'offload' }] }, async () => {
    const { t } = ctx();
    const fe = h.deployment.endpoints.frontends[t.frontend ?? ''];
    expect(fe?.tls).toBe(true);
    const upstreams = h.deployment.balancer.mapping.filter((m) => m.backend === fe?.backend);
    expect(upstreams.length).toBeGreaterThan(0);
    for (const u of upstreams) {
      const { host, port } = reachableUpstream(u);
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
  });

  h.test(
    'passthrough: the nodes terminate TLS, the balancer relays TCP',
    { needs: [{ tls: 'passthrough' }] },
    async () => {
      const { tls, t } = ctx();
      const fe = h.deployment.endpoints.frontends[t.frontend ?? ''];
      expect(fe?.tls).toBe(false);
      const via = await handshake({ verifyChain: false });
      expect(via.peerCertificate).toBeDefined();
      for (const n of h.deployment.nodes) {
        // The node's own TLS listener as the harness reaches it (docker: a published port; the alias only resolves inside).
        const listener = n.mqtts ?? { host: n.upstreamMqtt.host, port: 8883 };
        const direct = await tryHandshake({
          host: listener.host,
          port: listener.port,
          servername: t.servername,
          ca: tls.ca,
          ...clientCert(tls),
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
    },
  );
});

describe('connect and verify', () => {
  h.test('mqtts with the CA: connect and publish/subscribe across nodes', { needs: [{ tls: 'any' }] }, async () => {
    const { tls, t } = ctx();
    const d = h.deployment;
    const placed = await connectMqttsOnDistinctNodes(d, h.pool, tls, 2, `tls-x-${run}`).catch((err: Error) => {
      h.finding(
        refusalFinding(
          `A client verifying with the CA and the name ${t.servername} cannot connect through ${t.where}`,
          err.message,
          t,
          t.remedies.certificate,
        ),
      );
      throw err;
    });
    const [sub, pub] = placed as [(typeof placed)[0], (typeof placed)[0]];
    expect(sub.node).not.toBe(pub.node);
    const topic = topicFor('cross');
    const inbox = new Inbox(sub.client, (x) => x === topic);
    await subscribe(sub.client, topic, 1);
    await waitFor(
      async () => {
        await publish(pub.client, topic, 'probe', { qos: 0 });
        await inbox.waitFor(inbox.messages.length + 1, 100).catch(() => undefined);
        return inbox.messages.length > 0;
      },
      { timeoutMs: 5000, intervalMs: 1, what: `route for ${topic}` },
    );
    const before = inbox.messages.length;
    for (let i = 0; i < 20; i++) await publish(pub.client, topic, `m${i}`, { qos: 1 });
    // A probe of an earlier round of the loop above can still arrive after it (QoS 0, late under load): not one of
    // the 20, so neither counted nor compared.
    const delivered = (): string[] =>
      inbox.messages
        .slice(before)
        .map((m) => m.payload.toString())
        .filter((p) => p !== 'probe');
    await waitFor(() => delivered().length >= 20, { timeoutMs: 10_000, what: '20 QoS 1 messages over TLS' });
    expect(delivered()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    await Promise.all(placed.map((p) => endClient(p.client)));
  });

  h.test(
    'unknown CA → refused by the client; wrong host name → refused, accepted with host-name checking off',
    { needs: [{ tls: 'any' }] },
    async () => {
      const { tls, t } = ctx();
      const unknown = await handshake({ ca: tls.unknownCa });
      if (unknown.ok)
        h.finding({
          severity: 'error',
          title: `A client trusting only an unrelated CA accepted the certificate of ${t.where}.`,
          detail: `issuer ${unknown.peerCertificate?.issuer}`,
          ...locationOf(t),
        });
      expect(unknown.outcome).toBe('refused-by-client');
      const wrongName = await handshake({ servername: OTHER_NAME });
      if (wrongName.error?.code !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
        h.finding(
          refusalFinding(
            `Connecting as ${OTHER_NAME}, the client refused for another reason than the host name (or not at all)`,
            wrongName.error?.code ?? wrongName.outcome,
            t,
            t.remedies.certificate,
          ),
        );
      }
      expect(wrongName).toMatchObject({
        outcome: 'refused-by-client',
        error: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      });
      const insecure = await handshake({ servername: OTHER_NAME, checkHostname: false });
      if (!insecure.ok)
        h.finding(
          refusalFinding(
            `With the host-name check off (the guide's --insecure), the certificate is still refused`,
            insecure.error?.code ?? insecure.outcome,
            t,
            t.remedies.certificate,
          ),
        );
      expect(insecure.ok).toBe(true);
      // The same at the MQTT level: CONNACK only with the check off.
      await expect(
        connectMqttsPlaced(h.deployment, h.pool, tls, `tls-wrong-${run}`, { servername: OTHER_NAME }),
      ).rejects.toThrow(/altnames|Hostname\/IP does not match/i);
      const accepted = await connectMqttsPlaced(h.deployment, h.pool, tls, `tls-insecure-${run}`, {
        servername: OTHER_NAME,
        checkHostname: false,
      });
      expect(accepted.client.connected).toBe(true);
      await endClient(accepted.client);
    },
  );

  h.test(
    "mosquitto_pub --cafile [--insecure] (the guide's check): unknown CA and host name refused, published with --insecure",
    { needs: [{ tls: 'any' }, { tool: 'mosquitto_pub' }] },
    async () => {
      const { tls, t } = ctx();
      const base = { host: t.host, port: t.port, timeoutMs: 10_000, ...clientCert(tls) };
      const unknown = await runMosquittoPub({ ...base, cafile: tls.unknownCa, clientId: `tls-mq-unknown-${run}` });
      expect(unknown.parsed).toMatchObject({
        published: false,
        receivedConnack: false,
        tlsError: 'certificate verify failed',
      });
      // mosquitto checks the certificate against -h: the balancer's address, which the certificate does not name.
      const served = (await handshake({ verifyChain: false })).peerCertificate;
      const hostCovered = served ? nameCovered(served.sans, t.host) : false;
      const strict = await runMosquittoPub({ ...base, cafile: tls.ca, clientId: `tls-mq-strict-${run}` });
      if (!hostCovered && !strict.parsed.hostnameVerificationFailed) {
        h.finding(
          refusalFinding(
            `mosquitto_pub --cafile without --insecure failed for another reason than the host name ${t.host}`,
            strict.parsed.tlsError ?? (strict.parsed.errors.join(' | ') || 'no error'),
            t,
            t.remedies.certificate,
          ),
        );
      }
      if (hostCovered) expect(strict.parsed.published).toBe(true);
      else
        expect(strict.parsed).toMatchObject({
          published: false,
          receivedConnack: false,
          hostnameVerificationFailed: true,
        });
      // A subscriber that, like the guide's client, skips the host-name check: this test is about mosquitto_pub.
      const topic = topicFor('mosquitto');
      const watcher = await connectMqttsPlaced(h.deployment, h.pool, tls, `tls-mq-watch-${run}`, {
        checkHostname: false,
      }).catch((err: Error) => {
        h.finding(
          refusalFinding(
            'An MQTT/TLS subscriber with the host-name check off cannot connect',
            err.message,
            t,
            t.remedies.certificate,
          ),
        );
        throw err;
      });
      const inbox = new Inbox(watcher.client, (x) => x === topic);
      await subscribe(watcher.client, topic, 0);
      const id = `tls-mq-insecure-${run}`;
      const insecure = await runMosquittoPub({
        ...base,
        cafile: tls.ca,
        insecure: true,
        topic,
        message: 'bb',
        clientId: id,
      });
      if (!insecure.parsed.published)
        h.finding(
          refusalFinding(
            'mosquitto_pub --cafile … --insecure did not publish',
            insecure.parsed.tlsError ?? insecure.parsed.errors.join(' | '),
            t,
            t.remedies.certificate,
          ),
        );
      expect(insecure.stdout).toEqual([
        `Client ${id} sending CONNECT`,
        `Client ${id} received CONNACK (0)`,
        `Client ${id} sending PUBLISH (d0, q0, r0, m1, '${topic}', ... (2 bytes))`,
        `Client ${id} sending DISCONNECT`,
      ]);
      await inbox.waitFor(1, 5000, "mosquitto_pub's message at an MQTT/TLS subscriber");
      expect(inbox.messages[0]!.payload.toString()).toBe('bb');
      await endClient(watcher.client);
    },
  );
});

describe('policy', () => {
  const policy = h.profile.tls?.policy;
  const accepted = PROTOCOL_VERSIONS.filter(
    (v) =>
      policy &&
      expectedVerdict(v, { minVersion: policy.min_version, maxVersion: policy.max_version, forbiddenCiphers: [] }) ===
        'accept',
  );
  const refused = PROTOCOL_VERSIONS.filter((v) => !accepted.includes(v));
  h.test(
    `protocol versions: ${refused.join(', ') || 'none'} refused, ${accepted.join(', ')} accepted`,
    { needs: [{ tls: 'any' }] },
    async () => {
      const { tls, t } = ctx();
      const probes = await probeProtocols();
      h.metric(
        'protocols',
        probes.map((p) => ({
          version: p.version,
          verdict: p.verdict,
          cipher: p.cipher,
          detail: p.errorCode ?? p.outcome,
        })),
      );
      const findings = protocolPolicyFindings(probes, tls.policy, t);
      findings.forEach((f) => h.finding(f));
      expect(findings.filter((f) => f.severity === 'error').map((f) => f.title)).toEqual([]);
    },
  );

  h.test(
    `cipher suites: no ${h.profile.tls?.policy.forbidden_ciphers.join('/') ?? 'weak'} suite accepted; negotiated cipher per protocol version`,
    { needs: [{ tls: 'any' }] },
    async () => {
      const { tls, t } = ctx();
      const families = await probeCipherFamilies(
        { host: t.host, port: t.port, servername: t.servername, ...clientCert(tls), timeoutMs: 5000 },
        tls.policy.forbiddenCiphers,
      );
      const negotiated = ciphersByVersion(await probeProtocols());
      h.metric('negotiated', negotiated);
      h.metric(
        'weak_ciphers',
        families.map((p) => ({ family: p.family, verdict: p.verdict, cipher: p.cipher, evidence: p.evidence })),
      );
      h.finding({
        severity: 'info',
        title: `Negotiated per version: ${negotiated.map((n) => `${n.version} ${n.cipher}`).join('; ') || 'none'}.`,
      });
      const findings = cipherPolicyFindings(families, t);
      findings.forEach((f) => h.finding(f));
      expect(findings.filter((f) => f.severity === 'error').map((f) => f.title)).toEqual([]);
    },
  );
});

describe('mutual TLS', () => {
  const refusedWithout = async (
    what: string,
    label: string,
    client: { cert: string; key: string } | undefined,
  ): Promise<void> => {
    const { tls, t } = ctx();
    const r = await handshake({ cert: client?.cert, key: client?.key });
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
        `tls-mtls-${label}-${run}`,
        { client: client ?? null },
        { connectTimeout: 5000 },
      ),
    ).rejects.toThrow();
  };
  h.test('no client certificate → refused', { needs: [{ tls: 'mtls' }] }, () =>
    refusedWithout('without a certificate', 'none', undefined),
  );
  h.test('client certificate from an unknown CA → refused', { needs: [{ tls: 'mtls' }] }, () =>
    refusedWithout('with a certificate from an unknown CA', 'unknown', h.deployment.tls!.unknownClient),
  );
  h.test(
    'valid client certificate → accepted (MQTT CONNACK)',
    { needs: [{ tls: 'mtls' }, { tls: 'client-cert' }] },
    async () => {
      const { tls } = ctx();
      const r = await handshake({ cert: tls.client!.cert, key: tls.client!.key });
      expect(r).toMatchObject({ ok: true });
      const placed = await connectMqttsPlaced(h.deployment, h.pool, tls, `tls-mtls-ok-${run}`, { client: tls.client });
      expect(placed.client.connected).toBe(true);
      await endClient(placed.client);
    },
  );
});

describe('certificate and cost', () => {
  h.test('certificate: subject, SANs, issuer, expiry, key type and size', { needs: [{ tls: 'any' }] }, async () => {
    const { tls, t } = ctx();
    const r = await handshake();
    const served = r.peerCertificate;
    expect(served).toBeDefined();
    const certificates = [
      certificateMetric(`served by ${t.terminatedBy === 'nodes' ? 'the nodes' : 'the balancer'}`, served!),
      certificateMetric('CA (--cafile)', certFacts(readFileSync(tls.ca))),
    ];
    if (tls.mtls && tls.client)
      certificates.push(certificateMetric('client (mTLS)', certFacts(readFileSync(tls.client.cert))));
    h.metric('certificates', certificates);
    h.finding({
      severity: 'info',
      title:
        `Served: ${served!.subject}; SANs ${served!.sans.join(', ')}; issuer ${served!.issuer}; ` +
        `${served!.daysToExpiry} days to expiry; ${served!.keyType} ${served!.keySize}.`,
    });
    const findings = certFindings(served!, {
      expectedNames: tls.serverNames,
      warnDays: tls.warnDays,
      role: `certificate of ${t.where}`,
    }).map((f) => ({ ...f, ...locationOf(t), remedy: `${f.remedy ?? ''} ${t.remedies.certificate}`.trim() }));
    if (r.authorized === false && r.authorizationError !== 'CERT_HAS_EXPIRED') {
      findings.push({
        severity: 'error',
        title: `The certificate of ${t.where} does not verify against the CA clients are given: ${r.authorizationError}.`,
        ...locationOf(t),
        remedy: t.remedies.certificate,
      });
    }
    findings.forEach((f) => h.finding(f));
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.title)).toEqual([]);
  });

  h.test(
    'handshake cost: full handshakes/s, p50 and p99 at bounded concurrency',
    { needs: [{ tls: 'any' }] },
    async () => {
      const { tls, t } = ctx();
      const concurrency = h.thresholds.handshake_concurrency;
      // Measured like a verifying client; when the certificate itself is refused (the certificate test says why), the
      // cost is measured without verification so the figures still describe the balancer.
      const verified = await handshake({ confirmMs: 0 });
      const verify = verified.outcome !== 'refused-by-client';
      if (!verify)
        h.finding({
          severity: 'warning',
          title: `Measured without certificate verification: clients refuse the certificate (${verified.error?.code}).`,
          ...locationOf(t),
        });
      const bench = await measureHandshakes({
        host: t.host,
        port: t.port,
        servername: t.servername,
        ca: tls.ca,
        ...clientCert(tls),
        verify,
        concurrency,
        maxHandshakes: h.thresholds.handshake_count,
        maxMs: h.thresholds.handshake_max_ms,
      });
      for (const key of ['handshakes_per_s', 'p50_ms', 'p99_ms', 'concurrency', 'latencies_ms'] as const)
        h.metric(key, bench[key]);
      h.metric('handshakes', {
        completed: bench.completed,
        failed: bench.failed,
        elapsed_ms: bench.elapsed_ms,
        errors: bench.errors,
        negotiated: bench.negotiated,
        verified: verify,
        terminated_by: t.terminatedBy,
      });
      h.finding({
        severity: 'info',
        title:
          `${bench.completed} full handshakes in ${bench.elapsed_ms} ms at concurrency ${concurrency}: ` +
          `${bench.handshakes_per_s}/s, p50 ${bench.p50_ms} ms, p99 ${bench.p99_ms} ms ` +
          `(${bench.negotiated.map((n) => `${n.version} ${n.cipher}`).join(', ')}).`,
      });
      if (bench.failed)
        h.finding({
          severity: bench.completed ? 'warning' : 'error',
          title: `${bench.failed} of ${bench.completed + bench.failed} handshakes failed: ${JSON.stringify(bench.errors)}.`,
          ...locationOf(t),
        });
      const minRate = h.thresholds.min_handshakes_per_s;
      const maxP99 = h.thresholds.max_p99_ms;
      if (minRate !== undefined && bench.handshakes_per_s < minRate)
        h.finding({
          severity: 'error',
          title: `${bench.handshakes_per_s} handshakes/s is below thresholds.tls.min_handshakes_per_s ${minRate}.`,
          ...locationOf(t),
        });
      if (maxP99 !== undefined && bench.p99_ms > maxP99)
        h.finding({
          severity: 'error',
          title: `Handshake p99 ${bench.p99_ms} ms is above thresholds.tls.max_p99_ms ${maxP99}.`,
          ...locationOf(t),
        });
      expect(bench.completed).toBeGreaterThan(0);
      expect(bench.failed).toBeLessThanOrEqual(Math.ceil(0.01 * (bench.completed + bench.failed)));
      if (minRate !== undefined) expect(bench.handshakes_per_s).toBeGreaterThanOrEqual(minRate);
      if (maxP99 !== undefined) expect(bench.p99_ms).toBeLessThanOrEqual(maxP99);
    },
  );
});
