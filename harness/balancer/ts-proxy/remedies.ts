/** The TS-proxy settings findings quote (failover detection and sessions, TLS offload), in its YAML's terms. */
import type { BalancerRemedies } from '../remedies.js';

export const TS_PROXY_REMEDIES: BalancerRemedies = {
  appCheck:
    "use an application-level health check: HTTP on the node's /status with the body matched, or an MQTT CONNECT/CONNACK check; mark down after ~2 s and close the sessions of a server marked down",
  fasterDetection: (example) =>
    `detect faster: check every 1 s, mark down after 2 failures, 2 s check timeout ⇒ ${example}`,
  shutdownSessions: 'close the sessions of a server marked down (on_marked_down)',
  drain:
    'before stopping a node, take its server out of rotation through the TS-proxy admin API (drain), and put it back once the node is up, so reconnecting clients never land on a node that is shutting down',
  rebalance:
    '`balance: leastconn` on the backend sends reconnecting clients to the server with the fewest connections, so a restarted node fills up again; established connections are never moved: restart nodes in reverse order next time, or have the brokers shed connections (EMQX node rebalance / evacuation)',
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
