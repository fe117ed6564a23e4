/** The NGINX settings findings quote (failover detection and sessions, TLS offload), in nginx.conf terms. */
import type { BalancerRemedies } from '../remedies.js';

const PASSIVE =
  'open-source NGINX has no active health checks (`health_check` is NGINX Plus only): it marks a server failed only after `max_fails` failed connections within `fail_timeout`';

export const NGINX_REMEDIES: BalancerRemedies = {
  redispatch:
    '`proxy_next_upstream on;` (stream; http: `proxy_next_upstream error timeout;`) retries a failed connection on the next server; a short `proxy_connect_timeout 2s;` makes a hung server fail fast',
  appCheck: `${PASSIVE}; detect kills and hangs sooner with \`server … max_fails=1 fail_timeout=5s;\` and \`proxy_connect_timeout 2s;\`, or an external checker (or NGINX Plus \`health_check\`) that removes dead nodes from the upstream`,
  fasterDetection: (example) =>
    `detect faster: \`server … max_fails=1 fail_timeout=5s;\` with \`proxy_connect_timeout 2s;\` and \`proxy_next_upstream on;\` (unset: max_fails=1 fail_timeout=10s, a 60 s connect timeout) ⇒ ${example}`,
  shutdownSessions:
    'open-source NGINX never closes established sessions of a failed server; clients notice through their own keepalive (lower it, or shorten `proxy_timeout` in stream / `proxy_read_timeout` in http)',
  tls: {
    versions: 'NGINX: `ssl_protocols TLSv1.2 TLSv1.3;` in the TLS server block, and no `@SECLEVEL=0` in `ssl_ciphers`.',
    ciphers:
      'NGINX: `ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;` (with `ssl_prefer_server_ciphers on;`); never `@SECLEVEL=0`, eNULL, aNULL, RC4, 3DES, EXP.',
    mtls: 'NGINX: `ssl_verify_client on;` with `ssl_client_certificate <client CA>;` in the TLS server block.',
    certificate:
      "NGINX: `ssl_certificate <file>;` and `ssl_certificate_key <file>;`: serve a valid certificate with the balancer's names in subjectAltName, renewed before it expires.",
  },
};
