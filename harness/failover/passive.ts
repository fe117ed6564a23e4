/**
 * Failover judgements for a balancer with passive checks only (NGINX open source: `max_fails`/`fail_timeout`, no
 * probe): there is no DOWN/UP state to observe, so a kill is judged by the reconnect of every client (each connect to
 * the dead node is refused and passed on), and a hang by how long its clients stayed stuck — the balancer never takes
 * a hung node that still completes TCP handshakes out of rotation.
 */
import type { BalancerFacts, Located, ServerFacts } from '../facts.js';
import type { Finding } from '../report/summary-types.js';
import { remediesOf } from '../balancer/kinds.js';
import { describeCheck, detectionBound, seconds } from './check-facts.js';
import { describeAttempts, spread, type AttemptSummary } from './measure.js';
import type { Verdict } from './verdicts.js';

function quote(l: Located<number> | undefined, what: string): string {
  if (!l) return `no ${what}`;
  const text = l.source ? `\`${l.source}\`` : what;
  return `${text} ${seconds(l.value)} (${l.line ? `line ${l.line}` : 'default'})`;
}

/** The fact, for a killed (or stopped) node: detection happens per connect attempt; what the clients saw. */
export function passiveKillFinding(
  facts: BalancerFacts,
  server: ServerFacts,
  node: string,
  attempts: AttemptSummary,
  thresholdMs: number,
): Finding {
  const bound = detectionBound(server.check, 'crash');
  return {
    severity: 'info',
    title: `passive checks only: the balancer noticed the failed ${node} per connect attempt, not by marking it DOWN; the affected clients saw ${describeAttempts(attempts)}`,
    detail: `${describeCheck(server)}. ${bound.formula}. There is no server state to watch, so this scenario judges the reconnect of every client (threshold ${seconds(thresholdMs)}) instead of a detection time.`,
    file: facts.file,
    line: server.check.kind.line ?? server.line,
  };
}

/**
 * A hung node under passive checks: never taken out; its clients stay stuck until their keepalive (connected ones)
 * or connect timeout (new ones sent there). A warning stating how long (or how many never came back), never a problem.
 */
export function passiveHangVerdict(
  facts: BalancerFacts,
  server: ServerFacts,
  node: string,
  back: { ms: number[]; missing: string[] },
  attempts: AttemptSummary,
  thresholdMs: number,
): Verdict {
  const last = spread(back.ms).max;
  const late = back.missing.length > 0 || (last ?? 0) > thresholdMs;
  const stuck = back.missing.length
    ? `${back.missing.length} of ${back.ms.length + back.missing.length} clients were not back`
    : `its clients were stuck up to ${last === null ? '-' : seconds(last)}`;
  const idle = facts.mqttBackend.timeouts.effectiveIdleMs;
  const finding: Finding = {
    // A warning, never a failed test: no config of a passive-only balancer can take a hung node out (the paused
    // node's kernel still completes TCP handshakes), so the hang threshold judges something the kind cannot do.
    // What it costs the clients is measured and stated, with the lines and the way out.
    severity: 'warning',
    title: `the balancer never takes the hung ${node} out (passive checks only): ${stuck}${late ? `, beyond the ${seconds(thresholdMs)} hang threshold` : `, within the ${seconds(thresholdMs)} hang threshold only because the clients' own timeouts are short`}; a limit of passive checks, not judged`,
    detail:
      `${describeCheck(server)}. ${detectionBound(server.check, 'hang').formula}. ` +
      `${attempts.closedWithoutConnack} of the affected clients' ${attempts.attempts} reconnect attempts were closed without a CONNACK${attempts.closedMedianMs === null ? '' : ` (median after ${seconds(attempts.closedMedianMs)})`}: sent to the hung node again. ` +
      `Clients already connected notice only through their keepalive (1.5 ×); the balancer closes their idle connections only after ${quote(idle, 'idle timeout')}.`,
    file: facts.file,
    line: server.check.kind.line ?? server.line,
    remedy: remediesOf(facts.kind).appCheck,
  };
  return { findings: [finding], problems: [] };
}
