/** The NGINX settings findings quote (passive failure detection, sessions, TLS offload), in nginx.conf terms. */
import type { BalancerRemedies } from '../remedies.js';

export const NGINX_REMEDIES: BalancerRemedies = {
  redispatch:
    '`proxy_next_upstream on;` (the stream default) with `proxy_next_upstream_tries 3;` and a short `proxy_connect_timeout 2s;` lets NGINX retry a failed connect on the next server',
  appCheck:
    "open-source NGINX has no active health check: use NGINX Plus `health_check interval=1s fails=2 passes=2;` (with a `match` block expecting the node's /status body or an MQTT CONNACK) in the server block, " +
    "or — with open-source NGINX — a short `proxy_connect_timeout 2s;` and a `proxy_timeout` just above 1.5 × the clients' keepalive so stuck connections end sooner, " +
    'or a balancer with an active application-level check (HAProxy `option httpchk` on /status, or an MQTT CONNECT/CONNACK `tcp-check`)',
  fasterDetection: (example) =>
    `detect faster: \`max_fails=2 fail_timeout=5s\` on each upstream \`server\` line and \`proxy_connect_timeout 2s;\` (passive counting only; an active check needs NGINX Plus \`health_check\`, ${example})`,
  shutdownSessions:
    'open-source NGINX never closes the established connections of a failed server: lower `proxy_timeout` so idle connections to it end, or use a balancer that can (HAProxy `on-marked-down shutdown-sessions`)',
  drain:
    'before stopping a node, mark its upstream `server … down;` and reload NGINX (NGINX Plus: the API `drain` state), and restore it once the node is up, so reconnecting clients never land on a node that is shutting down',
  rebalance:
    '`least_conn;` in the upstream block sends reconnecting clients to the server with the fewest connections, so a restarted node fills up again; with `hash … consistent;` a server leaving or returning moves only its own share; NGINX never moves established connections: restart nodes in reverse order next time, or have the brokers shed connections (EMQX node rebalance / evacuation)',
  tls: {
    versions: 'NGINX: `ssl_protocols TLSv1.2 TLSv1.3;` in the TLS server block, and no `@SECLEVEL=0` in `ssl_ciphers`.',
    ciphers:
      'NGINX: `ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;` in the TLS server block; never `@SECLEVEL=0`, eNULL, aNULL, RC4, 3DES, EXP.',
    mtls: 'NGINX: `ssl_client_certificate <client CA>;` and `ssl_verify_client on;` in the TLS server block.',
    certificate:
      "NGINX: `ssl_certificate`/`ssl_certificate_key` in the TLS server block: serve a valid certificate with the balancer's names in subjectAltName, renewed before it expires.",
  },
};
