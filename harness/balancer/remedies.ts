/**
 * The config-language advice findings quote, per balancer kind (each kind's module fills it in its own words), and
 * the neutral wording used for a balancer the harness does not know (an external target).
 */

/** What to change on the balancer's TLS frontend (offload), per kind of TLS problem. */
export interface TlsRemedies {
  versions: string;
  ciphers: string;
  mtls: string;
  certificate: string;
}

export interface BalancerRemedies {
  /** Retry a failed server connection on another server (clients stalled on a dead server); absent: no such setting. */
  redispatch?: string;
  /** Use an application-level health check (a kill or hang that a TCP check cannot see). */
  appCheck: string;
  /** Detect faster; `example` is the worked worst case ("worst case 1 s × 2 + 2 s = 4 s"). */
  fasterDetection(example: string): string;
  /** Close the established sessions of a server marked down. */
  shutdownSessions: string;
  /** Even out placement after nodes returned (a rolling restart): the algorithm that fills the emptiest node. */
  rebalance: string;
  /** Take a server out of rotation before its node is stopped on purpose (an upgrade), so no new client lands there. */
  drain: string;
  /** TLS offload settings on the balancer's frontend. */
  tls: TlsRemedies;
  /** A slow but working node taken out by a check timeout below its answer time; absent: GENERIC_REMEDIES'. */
  slowNode?(answerMs: number): string;
  /** A lossy link that fails checks (one lost segment costs a TCP retransmission); absent: GENERIC_REMEDIES'. */
  lossyLink?: string;
}

/** For a balancer the harness does not run (kind `external`): the same advice, without a config language. */
export const GENERIC_REMEDIES: BalancerRemedies = {
  appCheck:
    "use an application-level health check: HTTP on the node's /status with the body matched, or an MQTT CONNECT/CONNACK check; mark down after ~2 s and close the sessions of a server marked down",
  fasterDetection: (example) =>
    `detect faster: check every 1 s, mark down after 2 failures, 2 s check timeout ⇒ ${example}`,
  shutdownSessions: 'close the sessions of a server marked down',
  drain:
    'take each server out of rotation (drain) before stopping its node, and put it back once the node is up, so reconnecting clients never land on a node that is shutting down',
  rebalance:
    'balance new and reconnecting clients by least connections, so a restarted node fills up again; a hash-based balancer should use consistent hashing, so a node leaving or returning moves only its own share; long-lived MQTT connections are never moved by the balancer: restart nodes in reverse order next time, or have the brokers shed connections (EMQX node rebalance / evacuation)',
  slowNode: (answerMs) =>
    `keep the check timeout above the slowest answer of a working node (here ≥ ${answerMs} ms), and take a node out on connection errors rather than on latency`,
  lossyLink:
    'let a check survive one TCP retransmission (≥ 1 s for a lost SYN): a check timeout of 1–2 s and at least 2 failed checks before a node is marked down',
  tls: {
    versions: "The balancer's TLS frontend: minimum version TLSv1.2, and no `@SECLEVEL=0` in its cipher list.",
    ciphers: "The balancer's TLS frontend: ECDHE AEAD cipher suites only (e.g. ECDHE+AESGCM:ECDHE+CHACHA20).",
    mtls: "The balancer's TLS frontend: require a client certificate signed by the client CA.",
    certificate:
      "The balancer's TLS frontend: serve a valid certificate with the balancer's names in subjectAltName, renewed before it expires.",
  },
};
