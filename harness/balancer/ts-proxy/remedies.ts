/** The TS-proxy settings findings quote (failover detection and sessions, TLS offload), in its YAML's terms. */
import type { BalancerRemedies } from '../remedies.js';

export const TS_PROXY_REMEDIES: BalancerRemedies = {
  appCheck:
    "use an application-level health check: HTTP on the node's /status with the body matched, or an MQTT CONNECT/CONNACK check; mark down after ~2 s and close the sessions of a server marked down",
  fasterDetection: (example) =>
    `detect faster: check every 1 s, mark down after 2 failures, 2 s check timeout ⇒ ${example}`,
  shutdownSessions: 'close the sessions of a server marked down (on_marked_down)',
  slowNode: (answerMs) =>
    `\`health.timeout\` above the slowest answer of a working node (here ≥ ${answerMs} ms, e.g. \`timeout: 2s\`)`,
  lossyLink:
    '`health: { timeout: 2s, fall: 2 }` or more: a lost SYN is retransmitted after 1 s, so one lost segment must not mark a working node down',
  tls: {
    versions: 'TS-proxy: `tls.min_version: TLSv1.2` on the frontend, and no `@SECLEVEL=0` in its `tls.ciphers`.',
    ciphers: 'TS-proxy: `tls.ciphers` on the frontend with ECDHE AEAD suites only (e.g. ECDHE+AESGCM:ECDHE+CHACHA20).',
    mtls: 'TS-proxy: `tls.client_ca: <client CA>` with `verify: required` on the frontend.',
    certificate:
      "TS-proxy: `tls.cert`/`tls.key` on the frontend: serve a valid certificate with the balancer's names in subjectAltName.",
  },
};
