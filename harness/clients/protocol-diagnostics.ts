/**
 * The client pool's diagnostics for a running deployment: a connect that met something other than MQTT is
 * explained from the balancer facts and reported once per test as a finding; so is a refused WebSocket handshake
 * (the ws path lacking the upgrade headers).
 */
import type { Finding } from '../report/summary-types.js';
import type { Deployment } from '../types.js';
import type { ConnectDiagnostics } from './mqtt.js';
import { explainMismatch } from './protocol-findings.js';
import { websocketFindings } from '../balancer/websocket-findings.js';

export function protocolDiagnostics(
  d: Pick<Deployment, 'balancerFacts' | 'endpoints'>,
  nodesAcceptProxy: boolean,
  report: (f: Finding) => void,
  /** The reporting scope (the running test), so many failed connects make one finding per test. */
  scope: () => string,
): ConnectDiagnostics {
  const reported = new Set<string>();
  const once = (finding: Finding | undefined): Finding | undefined => {
    const key = `${scope()}\n${finding?.title}`;
    if (finding && !reported.has(key)) {
      reported.add(key);
      report(finding);
    }
    return finding;
  };
  return {
    onMismatch(err) {
      const finding = explainMismatch(err, {
        facts: d.balancerFacts,
        frontends: d.endpoints.frontends,
        nodesAcceptProxy,
      });
      return once(finding);
    },
    onWsRefused(url, reason) {
      const facts = d.balancerFacts;
      const finding = facts ? websocketFindings(facts)[0] : undefined;
      return once(finding && { ...finding, detail: `${url}: ${reason}. ${finding.detail ?? ''}` });
    },
  };
}
