/**
 * A failing profile as a reviewer meets it: a test that failed with only an assertion message (no finding of its
 * own), a failed check on a config line, a check that holds with a long note on line 1, and a config line longer
 * than any screen.
 */
import type { Summary } from '../../harness/report/summary-types.js';
import { sourceSummary } from './report-fixtures.js';

export const DASHBOARD_FAILURE =
  '\u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBeDefined\u001b[2m()\u001b[22m\n\nReceived: \u001b[31mundefined\u001b[39m\n\n    at Object.<anonymous> (suites/pubsub.test.ts:88:21)';

export const LONG_LINE = `    bind :8883 ssl crt /etc/haproxy/certs/mqtt.pem ca-file /etc/haproxy/certs/ca.pem verify optional alpn mqtt ciphers ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305 ssl-min-ver TLSv1.2`;

export function failingSummary(): Summary {
  const s = sourceSummary();
  s.run.profileName = 'haproxy-failing';
  const config = s.deployment!.balancer.config!.split('\n');
  config.splice(19, 0, LONG_LINE); // line 20, in `frontend mqtt`; later lines move down by one
  s.deployment!.balancer.config = config.join('\n');
  s.deployment!.balancer.mapping = s.deployment!.balancer.mapping.map((m) => ({ ...m, line: m.line + 1 }));
  for (const t of Object.values(s.suites).flatMap((x) => x.tests))
    t.findings = t.findings.map((f) => (f.line !== undefined && f.line >= 20 ? { ...f, line: f.line + 1 } : f));
  const pubsub = s.suites.pubsub!;
  pubsub.tests.push({
    name: 'dashboard frontend: GET /status through the balancer answers like EMQX',
    path: ['pubsub'],
    status: 'failed',
    durationMs: 240,
    failureMessages: [DASHBOARD_FAILURE],
    findings: [],
  });
  pubsub.failed += 1;
  s.totals.failed += 1;
  s.suites.keepalive = {
    passed: 1,
    failed: 0,
    skipped: 0,
    durationMs: 30,
    tests: [
      {
        name: 'idle timeout fits the MQTT keepalive',
        path: ['keepalive'],
        status: 'passed',
        durationMs: 30,
        findings: [
          {
            severity: 'info',
            title:
              'Effective idle timeout 60 s ≥ 1.5 × keepalive 10 s = 15 s: `timeout client 60s` and `timeout server 60s` apply to established MQTT connections, so an idle client is never cut before the broker itself would give up on it',
            file: 'haproxy.cfg',
            line: 1,
          },
        ],
      },
    ],
  };
  s.totals.passed += 1;
  return s;
}
