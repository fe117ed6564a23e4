/**
 * Pass/fail of a scenario's figures against the thresholds, each failure with the finding that
 * explains it in config terms. A verdict is data: the suite attaches the findings and fails on problems.
 */
import type { BalancerFacts, ServerFacts } from '../facts.js';
import type { Finding } from '../report/summary-types.js';
import { detectionFinding, seconds, worstCaseFinding, type FaultMode } from './check-facts.js';
import { spread } from './measure.js';

export interface Verdict {
  findings: Finding[];
  problems: string[];
}

/** Detection within the threshold, and a config whose worst case also is. */
export function judgeDetection(
  facts: BalancerFacts,
  server: ServerFacts,
  mode: FaultMode,
  measuredMs: number | null,
  thresholdMs: number,
  verb: string,
): Verdict {
  if (measuredMs === null || measuredMs > thresholdMs) {
    return {
      findings: [detectionFinding(facts, server, mode, measuredMs, thresholdMs, verb)],
      problems: [
        `${verb}: ${server.node} ${measuredMs === null ? 'not marked DOWN' : `marked DOWN after ${seconds(measuredMs)}`} (threshold ${seconds(thresholdMs)})`,
      ],
    };
  }
  const worst = worstCaseFinding(facts, server, mode, thresholdMs);
  return worst ? { findings: [worst], problems: [`${verb}: ${worst.title}`] } : { findings: [], problems: [] };
}

/** Every affected client back (CONNACK) within the threshold. */
export function judgeReconnect(
  what: string,
  back: { ms: number[]; missing: string[] },
  thresholdMs: number,
  detail: string,
): Verdict {
  const max = spread(back.ms).max;
  const total = back.ms.length + back.missing.length;
  if (!back.missing.length && (max ?? 0) <= thresholdMs) return { findings: [], problems: [] };
  const title = back.missing.length
    ? `${back.missing.length} of ${total} clients of ${what} were not back`
    : `the last client of ${what} was back after ${seconds(max!)}`;
  return {
    findings: [
      {
        severity: 'error',
        title: `${title} (threshold ${seconds(thresholdMs)})`,
        detail: back.missing.length ? `${detail}; not back: ${back.missing.join(', ')}` : detail,
      },
    ],
    problems: [`reconnect: ${title} (threshold ${seconds(thresholdMs)})`],
  };
}

/** How long the clients of a hung node were stuck before they (or the balancer) cut the connection. */
export function stuckFinding(
  node: string,
  stuck: { ms: number[]; never: string[] },
  keepaliveS: number,
  closedByBalancer: boolean,
  routed: number | null,
): Finding {
  const st = spread(stuck.ms);
  const fmt = (v: number | null): string => (v === null ? '-' : seconds(v));
  return {
    severity: 'info',
    title: `clients of the hung ${node} were stuck for p50 ${fmt(st.p50)}, max ${fmt(st.max)}${stuck.never.length ? `; ${stuck.never.length} never noticed` : ''}`,
    detail: `keepalive ${keepaliveS} s: MQTT.js gives up after 1.5 × keepalive = ${seconds(1500 * keepaliveS)} without a PINGRESP${closedByBalancer ? '; the balancer closed their sessions when it marked the node DOWN' : ''}; meanwhile the balancer sent ${routed ?? '?'} new connection(s) to the hung node`,
  };
}

export interface ReturnFigures {
  node: string;
  /** From the node serving again (its restart done) to marked UP; null: not marked UP. */
  upMs: number | null;
  /** How long the restart took until the node served again (the broker's boot; not judged). */
  bootMs?: number;
  thresholdMs: number;
  riseFormula: string;
  before: Record<string, number>;
  after: Record<string, number>;
  fresh: { total: number; onNode: number };
}

/** The returned node is back in rotation in time and takes new connections; the imbalance is reported. */
export function judgeReturn(facts: BalancerFacts, server: ServerFacts, check: string, r: ReturnFigures): Verdict {
  const findings: Finding[] = [
    {
      severity: 'info',
      title: `long-lived connections stay put: ${r.node} held ${r.before[r.node]} clients before the fault and ${r.after[r.node]} after its return (${JSON.stringify(r.after)})`,
      detail: `the balancer only places new connections; ${r.fresh.onNode} of ${r.fresh.total} new connections went to ${r.node} (${facts.mqttBackend.algorithm.value})${r.bootMs ? `; ${r.node} served again ${seconds(r.bootMs)} after its restart began${r.upMs === null ? '' : ` and was marked UP ${seconds(r.upMs)} later`}` : ''}`,
      remedy:
        'rebalance established connections after a node returns (EMQX: `emqx_ctl rebalance start`, or node evacuation), or prefer leastconn so new connections fill the returned node',
    },
  ];
  const problems: string[] = [];
  const boot = r.bootMs
    ? `; the node served again ${seconds(r.bootMs)} after its restart began (its boot, not judged)`
    : '';
  if (r.upMs === null || r.upMs > r.thresholdMs) {
    const what = r.upMs === null ? 'not marked UP' : `marked UP only ${seconds(r.upMs)}`;
    problems.push(`return: ${r.node} ${what} after it served again (threshold ${seconds(r.thresholdMs)})`);
    findings.push({
      severity: 'error',
      title: `${r.node} was ${what} after it served again (threshold ${seconds(r.thresholdMs)})`,
      detail: `${check}; ${r.riseFormula}${boot}`,
      file: facts.file,
      line: server.check.rise.line ?? server.line,
      remedy: 'lower rise or inter',
    });
  }
  if (r.fresh.onNode === 0) {
    problems.push(`none of ${r.fresh.total} new connections reached the returned ${r.node}`);
    findings.push({
      severity: 'error',
      title: `none of ${r.fresh.total} new connections reached the returned ${r.node}`,
      file: facts.file,
      line: server.line,
    });
  }
  return { findings, problems };
}

/**
 * Persistent-session clients of a hung node on a backend that holds their sessions there
 * (capabilities.hungNodeHoldsSessions): reported with what this run measured, apart from the judged reconnect.
 */
export function heldSessionsFinding(
  node: string,
  kind: string,
  back: { ms: number[]; missing: string[] },
  windowMs: number,
): Finding {
  const total = back.ms.length + back.missing.length;
  const max = spread(back.ms).max;
  const measured = back.missing.length
    ? `${back.missing.length} of ${total} were not back within the ${seconds(windowMs)} waited (${back.missing.join(', ')})`
    : `all ${total} were back, the last after ${seconds(max ?? 0)}`;
  return {
    severity: 'warning',
    title: `persistent sessions of the hung ${node}: ${measured}; not judged against the reconnect threshold (${kind} holds them on the hung node)`,
    detail: `${kind}: a persistent session (clean_session=false) resumes on another node only once its queue's home node answers or the cluster declares it down (Erlang net_ticktime: 60 s by default, so 45–75 s); a paused node is neither, so the new connection waits. Clients with clean sessions are judged as usual.`,
    remedy: `expect persistent clients to be unavailable for up to net_ticktime while a node hangs; a lower net_ticktime shortens it at the risk of false partitions on a loaded network`,
  };
}
