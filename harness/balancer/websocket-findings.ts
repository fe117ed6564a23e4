/**
 * WebSocket readiness of the balancer config as findings (kind-neutral: BalancerFacts.websocketProblems): a path the
 * ws clients take that cannot pass the upgrade — e.g. an NGINX location without `proxy_http_version 1.1` and the
 * Upgrade/Connection headers — is an error naming its line. For suites whose clients connect over ws/wss.
 */
import type { BalancerFacts } from '../facts.js';
import type { Finding } from '../finding.js';

export function websocketFindings(facts: BalancerFacts): Finding[] {
  const problems = facts.websocketProblems ?? [];
  return problems.map((p) => ({
    severity: 'error',
    title: `MQTT over WebSocket cannot pass the balancer: ${p.text.split(': add ')[0]}`,
    detail:
      'Without HTTP/1.1 and both the `Upgrade` and `Connection: upgrade` headers towards the node, the WebSocket handshake (101 Switching Protocols) fails: ws:// clients get an HTTP error instead of a CONNACK.',
    file: p.file ?? facts.file,
    line: p.line,
    remedy: /: add (.*)$/.exec(p.text)?.[1] ?? p.text,
  }));
}
