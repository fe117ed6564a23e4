/**
 * MQTT over TLS through the balancer (the EMQX guide's first topology: TLS at the balancer, clients verifying with a
 * CA file, `--insecure` to skip the host-name check): topology, connect + cross-node pub/sub, client-side refusals
 * (also with the real mosquitto_pub), protocol and cipher policy, mutual TLS, certificate facts, handshake cost.
 * Balancer-neutral: everything goes to `endpoints.mqtts`; the run's TLS set-up is `deployment.tls`.
 */
import { describe, expect } from '@jest/globals';
import { useDeployment } from '../harness/suite/context.js';
import { Inbox, subscribe } from '../harness/clients/mqtt.js';
import { nameCovered, runMosquittoPub } from '../harness/tls/index.js';
import { probeCipherFamilies } from '../harness/tls/cipher-families.js';
import { connectMqttsOnDistinctNodes, connectMqttsPlaced } from '../harness/tls/mqtts-clients.js';
import {
  ciphersByVersion,
  cipherPolicyFindings,
  expectedVerdict,
  protocolPolicyFindings,
} from '../harness/tls/policy-check.js';
import { locationOf } from '../harness/tls/tls-target.js';
import { OTHER_NAME, TlsSuiteSession, endClient } from '../harness/tls/suite-session.js';
import {
  crossNodeMessages,
  expectNodesServeTheCertificate,
  expectPlainUpstreams,
  expectRefusedWithout,
} from '../harness/tls/suite-checks.js';
import { checkCertificate, checkHandshakeCost } from '../harness/tls/certificate-checks.js';
import { PROTOCOL_VERSIONS } from '../harness/pki/run-tls.js';

const h = useDeployment('tls');
const s = new TlsSuiteSession(h);
const { run } = s;

describe('topology', () => {
  h.test('offload: TLS ends at the balancer, plain TCP to the nodes', { needs: [{ tls: 'offload' }] }, () =>
    expectPlainUpstreams(h, s),
  );

  h.test('passthrough: the nodes terminate TLS, the balancer relays TCP', { needs: [{ tls: 'passthrough' }] }, () =>
    expectNodesServeTheCertificate(h, s),
  );
});

describe('connect and verify', () => {
  h.test('mqtts with the CA: connect and publish/subscribe across nodes', { needs: [{ tls: 'any' }] }, async () => {
    const { tls, t } = s.ctx();
    const d = h.deployment;
    const placed = await connectMqttsOnDistinctNodes(d, h.pool, tls, 2, `tls-x-${run}`).catch((err: Error) => {
      s.refused(
        `A client verifying with the CA and the name ${t.servername} cannot connect through ${t.where}`,
        err.message,
      );
      throw err;
    });
    const [sub, pub] = placed as [(typeof placed)[0], (typeof placed)[0]];
    expect(sub.node).not.toBe(pub.node);
    const messages = await crossNodeMessages(sub.client, pub.client, s.topicFor('cross'));
    expect(messages).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    await Promise.all(placed.map((p) => endClient(p.client)));
  });

  h.test(
    'unknown CA → refused by the client; wrong host name → refused, accepted with host-name checking off',
    { needs: [{ tls: 'any' }] },
    async () => {
      const { tls, t } = s.ctx();
      const unknown = await s.handshake({ ca: tls.unknownCa });
      if (unknown.ok)
        h.finding({
          severity: 'error',
          title: `A client trusting only an unrelated CA accepted the certificate of ${t.where}.`,
          detail: `issuer ${unknown.peerCertificate?.issuer}`,
          ...locationOf(t),
        });
      expect(unknown.outcome).toBe('refused-by-client');
      const wrongName = await s.handshake({ servername: OTHER_NAME });
      if (wrongName.error?.code !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
        s.refused(
          `Connecting as ${OTHER_NAME}, the client refused for another reason than the host name (or not at all)`,
          wrongName.error?.code ?? wrongName.outcome,
        );
      }
      expect(wrongName).toMatchObject({
        outcome: 'refused-by-client',
        error: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      });
      const insecure = await s.handshake({ servername: OTHER_NAME, checkHostname: false });
      if (!insecure.ok)
        s.refused(
          `With the host-name check off (the guide's --insecure), the certificate is still refused`,
          insecure.error?.code ?? insecure.outcome,
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
      const { tls, t } = s.ctx();
      const base = { host: t.host, port: t.port, timeoutMs: 10_000, ...s.clientCert(tls) };
      const unknown = await runMosquittoPub({ ...base, cafile: tls.unknownCa, clientId: `tls-mq-unknown-${run}` });
      expect(unknown.parsed).toMatchObject({
        published: false,
        receivedConnack: false,
        tlsError: 'certificate verify failed',
      });
      // mosquitto checks the certificate against -h: the balancer's address, which the certificate does not name.
      const served = (await s.handshake({ verifyChain: false })).peerCertificate;
      const hostCovered = served ? nameCovered(served.sans, t.host) : false;
      const strict = await runMosquittoPub({ ...base, cafile: tls.ca, clientId: `tls-mq-strict-${run}` });
      if (!hostCovered && !strict.parsed.hostnameVerificationFailed) {
        s.refused(
          `mosquitto_pub --cafile without --insecure failed for another reason than the host name ${t.host}`,
          strict.parsed.tlsError ?? (strict.parsed.errors.join(' | ') || 'no error'),
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
      const topic = s.topicFor('mosquitto');
      const watcher = await connectMqttsPlaced(h.deployment, h.pool, tls, `tls-mq-watch-${run}`, {
        checkHostname: false,
      }).catch((err: Error) => {
        s.refused('An MQTT/TLS subscriber with the host-name check off cannot connect', err.message);
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
        s.refused(
          'mosquitto_pub --cafile … --insecure did not publish',
          insecure.parsed.tlsError ?? insecure.parsed.errors.join(' | '),
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
      const { tls, t } = s.ctx();
      const probes = await s.probeProtocols();
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
      const { tls, t } = s.ctx();
      const families = await probeCipherFamilies(
        { host: t.host, port: t.port, servername: t.servername, ...s.clientCert(tls), timeoutMs: 5000 },
        tls.policy.forbiddenCiphers,
      );
      const negotiated = ciphersByVersion(await s.probeProtocols());
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
  const refusedWithout = (what: string, label: string, client: { cert: string; key: string } | undefined) =>
    expectRefusedWithout(h, s, what, label, client);
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
      const { tls } = s.ctx();
      const r = await s.handshake({ cert: tls.client!.cert, key: tls.client!.key });
      expect(r).toMatchObject({ ok: true });
      const placed = await connectMqttsPlaced(h.deployment, h.pool, tls, `tls-mtls-ok-${run}`, { client: tls.client });
      expect(placed.client.connected).toBe(true);
      await endClient(placed.client);
    },
  );
});

describe('certificate and cost', () => {
  h.test('certificate: subject, SANs, issuer, expiry, key type and size', { needs: [{ tls: 'any' }] }, () =>
    checkCertificate(h, s),
  );

  h.test('handshake cost: full handshakes/s, p50 and p99 at bounded concurrency', { needs: [{ tls: 'any' }] }, () =>
    checkHandshakeCost(h, s),
  );
});
