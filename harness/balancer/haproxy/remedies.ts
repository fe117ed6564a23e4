/** The HAProxy settings findings quote (failover detection and sessions, TLS offload), in haproxy.cfg terms. */
import type { BalancerRemedies } from '../remedies.js';

const APP_CHECK =
  'option httpchk + `http-check send meth GET uri /status` + `http-check expect string "is running"` and `default-server check port 18083 inter 1s fall 2 rise 2 on-marked-down shutdown-sessions` (or an MQTT-level check: `option tcp-check`, `tcp-check send-binary 100c00044d5154540402003c0000`, `tcp-check expect binary 20020000`)';

export const HAPROXY_REMEDIES: BalancerRemedies = {
  redispatch:
    '`option redispatch` lets HAProxy retry a failed server connection on another server; faster detection shortens the window',
  appCheck: `use an application-level health check: ${APP_CHECK}`,
  fasterDetection: (example) =>
    `detect faster: set \`inter 1s fall 2\` on the server or default-server line (unset, HAProxy uses inter 2s fall 3) and \`timeout check 2s\` ⇒ ${example}`,
  shutdownSessions: 'add `on-marked-down shutdown-sessions` to the server (or default-server) line',
  drain:
    'before stopping a node, `set server <backend>/<server> state drain` (then `maint`) on the runtime API (stats socket `level admin`), and `set server … state ready` once it is back: HAProxy then sends no new client to the node being stopped',
  rebalance:
    '`balance leastconn` in the backend sends reconnecting clients to the server with the fewest connections, so a restarted node fills up again (roundrobin spreads them over every server, the restarted one included, and leaves it short); with `balance source` or `hash` add `hash-type consistent`, so a server leaving or returning moves only its own share; HAProxy never moves established connections: restart in reverse order next time, or have the brokers shed connections (EMQX node rebalance / evacuation)',
  slowNode: (answerMs) =>
    `\`timeout check\` above the slowest answer of a working node (here ≥ ${answerMs} ms, e.g. \`timeout check 2s\`); to act on real failures rather than latency, \`observe layer4 error-limit 10 on-error mark-down\` on the default-server line`,
  lossyLink:
    '`timeout check 2s` (a lost SYN is retransmitted after 1 s) and `fall 2` or more, so one lost segment does not mark a working node DOWN; `observe layer4 error-limit 10 on-error mark-down` reacts to sustained connection errors instead',
  tls: {
    versions:
      'HAProxy: `ssl-min-ver TLSv1.2` on the bind line (or `ssl-default-bind-options ssl-min-ver TLSv1.2` in global), and no `@SECLEVEL=0` in its ciphers.',
    ciphers:
      'HAProxy: `ssl-default-bind-ciphers ECDHE+AESGCM:ECDHE+CHACHA20` (or `ciphers` on the bind line); never `@SECLEVEL=0`, eNULL, aNULL, RC4, 3DES, EXP.',
    mtls: 'HAProxy: `ca-file <client CA> verify required` on the bind line.',
    certificate:
      "HAProxy: `crt <file>` on the bind line: serve a valid certificate with the balancer's names in subjectAltName, renewed before it expires.",
  },
};
