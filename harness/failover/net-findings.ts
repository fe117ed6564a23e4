/**
 * Verdicts of the network scenarios in config terms: clients stuck on a partitioned node (detection and
 * `on-marked-down shutdown-sessions`, or their keepalive), a slow node taken out or kept (`timeout check` against its
 * answer time, `observe layer4`, the algorithm), and a lossy link that fails checks (`timeout check` × `fall` against
 * one TCP retransmission). Each names the lines and the remedy of the balancer's kind.
 */
import type { BalancerFacts, Located, ServerFacts } from '../facts.js';
import type { Finding } from '../report/summary-types.js';
import { GENERIC_REMEDIES } from '../balancer/remedies.js';
import { remediesOf } from '../balancer/kinds.js';
import { describeCheck, detectionBound, seconds } from './check-facts.js';
import { spread } from './measure.js';
import type { Verdict } from './verdicts.js';

const at = (l?: number): string => (l ? `line ${l}` : 'default');

/** The first line of the config as run (line-preserving) matching `re`, e.g. `observe layer4`. */
export function configLine(configAsRun: string, re: RegExp): { line: number; text: string } | undefined {
  const lines = configAsRun.split('\n');
  const i = lines.findIndex((l) => re.test(l.replace(/#.*/, '')));
  return i < 0 ? undefined : { line: i + 1, text: lines[i]!.trim() };
}

/**
 * HAProxy's `timeout check` (configuration.txt of 2.6): "an additional read timeout", armed once the check's
 * connection is established, after a connect bounded by min(`timeout connect`, inter) — not a bound on the whole
 * check. An answer slower than it can still pass (2.6 passed a 508 ms answer under `timeout check 300ms`, L7OK).
 */
export const CHECK_TIMEOUT_IS_A_READ_TIMEOUT =
  "HAProxy arms `timeout check` as a read timeout only once the check's connection is established (after a connect bounded by min(`timeout connect`, inter)), so it does not bound the whole check and an answer slower than it can still pass — expect such a node to flap rather than be taken out";

function timeoutText(server: ServerFacts): { text: string; t: Located<number> } {
  // No `timeout check`: the whole check is bounded by inter, which is then the line to point at.
  const t = server.check.timeoutMs ?? server.check.interMs;
  return {
    t,
    text: server.check.timeoutMs
      ? `check timeout ${seconds(t.value)} (${at(t.line)})`
      : `check timeout = inter ${seconds(t.value)} (no \`timeout check\`, ${at(server.check.interMs.line)})`,
  };
}

function sessionsText(server: ServerFacts): string {
  const s = server.check.shutdownSessionsOnDown;
  return s.value
    ? `on-marked-down shutdown-sessions (${at(s.line ?? server.line)}) closes its sessions when it is marked DOWN`
    : `no on-marked-down shutdown-sessions (server line ${server.line}): marking it DOWN leaves its sessions on the silent link`;
}

/** The partitioned node's clients noticed (cut by the balancer or by their keepalive) within the threshold. */
export function partitionStuckVerdict(
  facts: BalancerFacts,
  server: ServerFacts,
  stuck: { ms: number[]; never: string[] },
  thresholdMs: number,
  keepaliveS: number,
  detectionMs: number | null,
): Verdict {
  const max = spread(stuck.ms).max;
  if (!stuck.never.length && (max ?? 0) <= thresholdMs) return { findings: [], problems: [] };
  const title = stuck.never.length
    ? `${stuck.never.length} client(s) of the partitioned ${server.node} never noticed`
    : `clients of the partitioned ${server.node} stayed stuck up to ${seconds(max!)}`;
  const cuts = server.check.shutdownSessionsOnDown.value;
  const bound = detectionBound(server.check, 'hang');
  return {
    findings: [
      {
        severity: 'error',
        title: `${title} (threshold ${seconds(thresholdMs)})`,
        detail: `${describeCheck(server)}; ${detectionMs === null ? 'not marked DOWN' : `marked DOWN after ${seconds(detectionMs)}`} (worst case ${bound.formula}); ${sessionsText(server)}; otherwise a client notices only when its keepalive expires (1.5 × ${keepaliveS} s).`,
        file: facts.file,
        line: cuts ? (bound.line ?? server.line) : server.line,
        remedy: cuts
          ? remediesOf(facts.kind).fasterDetection('worst case 2 × (1 s + 2 s) = 6 s')
          : remediesOf(facts.kind).shutdownSessions,
      },
    ],
    problems: [`partition: ${title} (threshold ${seconds(thresholdMs)})`],
  };
}

export interface DegradedFigures {
  node: string;
  /** What the fault was, e.g. "+500 ms ± 100 ms", "10 % packet loss". */
  fault: string;
  detectionMs: number | null;
  /** Clients of the node whose connection closed during the fault, of all its clients. */
  cut: number;
  clients: number;
  /** New connections the balancer sent to the node during the fault (its own counter). */
  routed: number | null;
  p99Ms: number | null;
  p99ThresholdMs: number;
}

/** A node marked DOWN (and its sessions cut) for being slow or lossy, though it works: error when sessions were cut. */
function takenOut(
  facts: BalancerFacts,
  server: ServerFacts,
  f: DegradedFigures,
  why: string,
  remedy: string,
  line: number | undefined,
): Finding {
  return {
    severity: f.cut ? 'error' : 'warning',
    title: `the balancer took the working ${f.node} out ${seconds(f.detectionMs!)} into the ${f.fault}${f.cut ? ` and cut ${f.cut} of its ${f.clients} client session(s)` : ''}`,
    detail: `${describeCheck(server)}; ${why}; ${sessionsText(server)}.`,
    file: facts.file,
    line: line ?? server.line,
    remedy,
  };
}

function p99Verdict(facts: BalancerFacts, f: DegradedFigures, kept: string, scenario: string): Verdict {
  if (f.p99Ms === null || f.p99Ms <= f.p99ThresholdMs) return { findings: [], problems: [] };
  const title = `delivery p99 ${Math.round(f.p99Ms)} ms through the balancer during the ${f.fault} on ${f.node} (threshold ${f.p99ThresholdMs} ms)`;
  return {
    findings: [{ severity: 'error', title, detail: kept, file: facts.file }],
    problems: [`${scenario}: ${title}`],
  };
}

/** Slow node: taken out (an error when its sessions were cut) or kept (why, in config terms), and the p99. */
export function slowNodeVerdict(
  facts: BalancerFacts,
  server: ServerFacts,
  configAsRun: string,
  f: DegradedFigures & { answerMs: number },
): Verdict {
  const { text, t } = timeoutText(server);
  const remedies = remediesOf(facts.kind);
  const observe = configLine(configAsRun, /\bobserve\s+layer4\b/);
  const observeText = observe
    ? `\`${observe.text}\` (line ${observe.line}) counts connection errors, not latency`
    : 'no `observe layer4`: live traffic errors are not counted (latency would not be one either)';
  const algo = `balance ${facts.mqttBackend.algorithm.value} (${at(facts.mqttBackend.algorithm.line)})${facts.mqttBackend.algorithm.value === 'leastconn' ? ' counts connections, not answer time' : ''}`;
  if (f.detectionMs !== null) {
    const finding = takenOut(
      facts,
      server,
      f,
      `${text} is below the node's answer time (up to ${f.answerMs} ms with the added latency), so every check fails`,
      (remedies.slowNode ?? GENERIC_REMEDIES.slowNode!)(f.answerMs),
      t.line,
    );
    const v = p99Verdict(facts, f, `${finding.title}`, 'slow-node');
    return {
      findings: [finding, ...v.findings],
      problems: [...(finding.severity === 'error' ? [`slow-node: ${finding.title}`] : []), ...v.problems],
    };
  }
  const kept: Finding = {
    severity: 'info',
    title: `the balancer kept the slow ${f.node} in rotation (${f.fault}) and sent it ${f.routed ?? 'an unknown number of'} new connection(s); its ${f.clients} clients stayed connected (${f.cut} cut)`,
    detail: `${t.value >= f.answerMs ? `${text} is above its answer time (up to ${f.answerMs} ms), so its checks pass` : `${text} is below its answer time (up to ${f.answerMs} ms), yet its checks passed: ${CHECK_TIMEOUT_IS_A_READ_TIMEOUT}`}; ${algo}; ${observeText}. Its clients see the added latency for as long as it lasts.`,
    file: facts.file,
    line: t.line ?? server.line,
  };
  const v = p99Verdict(facts, f, kept.title, 'slow-node');
  return { findings: [kept, ...v.findings], problems: v.problems };
}

/** Lossy link: a check that fails on one lost segment flaps the node out (error when sessions were cut); the p99. */
export function lossyLinkVerdict(facts: BalancerFacts, server: ServerFacts, f: DegradedFigures): Verdict {
  const { text, t } = timeoutText(server);
  const fall = server.check.fall;
  const remedy = remediesOf(facts.kind).lossyLink ?? GENERIC_REMEDIES.lossyLink!;
  const findings: Finding[] = [];
  const problems: string[] = [];
  if (f.detectionMs !== null) {
    const short = t.value < 1000 || fall.value < 2;
    const finding = takenOut(
      facts,
      server,
      f,
      `${text} × fall ${fall.value} (${at(fall.line)}): ${short ? 'a single lost segment costs a TCP retransmission (≥ 200 ms, 1 s for a SYN), longer than this check allows' : `${fall.value} checks in a row each lost segments more than once, a chance event at this loss rate rather than a check that cannot survive a retransmission`}`,
      remedy,
      (t.value < 1000 ? t.line : fall.line) ?? t.line ?? fall.line,
    );
    // A check that survives one retransmission can still fail `fall` times in a row by chance under random loss: that
    // is measured and reported (a warning), not blamed on the config; a check that cannot survive one is the error.
    if (!short) finding.severity = 'warning';
    findings.push(finding);
    if (finding.severity === 'error') problems.push(`lossy-link: ${finding.title}`);
  } else
    findings.push({
      severity: 'info',
      title: `the balancer kept ${f.node} in rotation through the ${f.fault} (${f.cut} of its ${f.clients} client session(s) cut)`,
      detail: `${text} × fall ${fall.value} (${at(fall.line)}) tolerates the retransmissions: TCP recovers the lost segments, the loss shows as latency`,
      file: facts.file,
      line: t.line ?? server.line,
    });
  const v = p99Verdict(
    facts,
    f,
    'TCP retransmission (≥ 200 ms per lost segment) shows as a latency tail',
    'lossy-link',
  );
  return { findings: [...findings, ...v.findings], problems: [...problems, ...v.problems] };
}

/** The affected client back last, on the fault's clock (ms; null: did not happen). */
export interface SlowestClient {
  id: string;
  role: string;
  cut_ms: number | null;
  attempt_ms: number | null;
  /** MQTT.js's `connect` event: after the CONNACK and the replay of its in-flight QoS 1/2 messages. */
  connack_ms: number | null;
  /** The CONNACK packet's arrival (absent: not recorded). */
  connack_wire_ms?: number | null;
  /** Its reconnect attempts closed without a CONNACK before that (e.g. "connack timeout"). */
  failed_attempts?: number;
}

/**
 * A client whose `connect` came long after the balancer accepted its reconnect, reported with its timeline and where
 * the wait was: attempts that got no CONNACK (routed to the partitioned node: see the connect-retry finding), or a
 * CONNACK on time and MQTT.js replaying its in-flight messages one acknowledgement at a time before `connect`.
 */
export function lateConnackFinding(c: SlowestClient | null, limitMs: number): Finding | undefined {
  if (!c || c.connack_ms === null || c.connack_ms <= limitMs || c.attempt_ms === null) return undefined;
  const wire = c.connack_wire_ms ?? null;
  const timeline = `cut at ${seconds(c.cut_ms ?? 0)}, reconnect started at ${seconds(c.attempt_ms)}${c.failed_attempts ? `, ${c.failed_attempts} attempt(s) closed without a CONNACK` : ''}${wire === null ? '' : `, CONNACK packet at ${seconds(wire)}`}, \`connect\` at ${seconds(c.connack_ms)}`;
  const where =
    wire !== null && c.connack_ms - wire > 1000
      ? `the CONNACK came ${seconds(wire - c.attempt_ms)} after the reconnect started; MQTT.js emits \`connect\` only after replaying its in-flight QoS 1/2 messages (those the partition swallowed), one acknowledgement at a time — the wait is in the client, not in the balancer or the broker`
      : c.failed_attempts
        ? 'the wait is before the CONNACK: its first attempt(s) got none — see the connect-retry finding'
        : 'the wait is after the balancer accepted the connection (the broker, or the client resending what the held link swallowed)';
  return {
    severity: 'warning',
    title: `the last client of the partitioned node (${c.role} ${c.id}) was connected again ${seconds(c.connack_ms)} after the partition (above ${seconds(limitMs)})`,
    detail: `${timeline}: ${where}`,
  };
}

export interface ConnectRetryFigures {
  node: string;
  /** New connections the balancer sent to the node between the fault and its DOWN (its own counter). */
  routed: number | null;
  /** Reconnect attempts of the node's clients closed without a CONNACK, and the clients' own connect timeout. */
  closedWithoutConnack: number;
  clientConnectTimeoutMs: number;
}

const HAPROXY_RETRY_REMEDY =
  "`timeout connect 1s` (a connect on a LAN takes milliseconds; keep it below the clients' connect timeout) and `option redispatch 1` with `retries 2`: a connect to a server that does not answer is retried on another server after 1 s, before the client gives up; faster detection narrows the window";

/**
 * Reconnects the balancer sent to the partitioned node before marking it DOWN: their SYNs go unanswered, so
 * `timeout connect`, `retries` and `option redispatch` decide whether they land elsewhere before the client's own
 * connect timeout; named with their lines (HAProxy) and the remedy.
 */
export function connectRetryFinding(
  facts: BalancerFacts,
  configAsRun: string,
  f: ConnectRetryFigures,
): Finding | undefined {
  if (!f.routed || !f.closedWithoutConnack) return undefined;
  const title = `${f.routed} reconnect(s) went to the partitioned ${f.node} before it was marked DOWN; ${f.closedWithoutConnack} attempt(s) got no CONNACK within the clients' ${seconds(f.clientConnectTimeoutMs)} connect timeout`;
  if (facts.kind !== 'haproxy')
    return {
      severity: 'warning',
      title,
      detail: `their connects to the partitioned node went unanswered; the balancer's connect timeout and its retries on another server decide whether they land elsewhere before the client gives up`,
      file: facts.file,
      remedy:
        remediesOf(facts.kind).redispatch ??
        "retry a connect that does not complete on another server, within a connect timeout below the clients'",
    };
  const connect = configLine(configAsRun, /\btimeout\s+connect\b/);
  const retries = configLine(configAsRun, /^\s*retries\s+\d+/);
  const redispatch = configLine(configAsRun, /\boption\s+redispatch\b/);
  const connectText = connect ? `\`${connect.text}\` (line ${connect.line})` : '`timeout connect` unset';
  const retriesText = retries ? `\`${retries.text}\` (line ${retries.line})` : '`retries` unset (3)';
  const redispatchText = redispatch
    ? `\`${redispatch.text}\` (line ${redispatch.line}) moves the last retry to another server`
    : 'no `option redispatch`: every retry goes to the same unanswering server until it is marked DOWN';
  return {
    severity: 'warning',
    title,
    detail: `a partition drops their SYNs: ${connectText} per attempt, ${retriesText}, ${redispatchText}; the client gives up after its ${seconds(f.clientConnectTimeoutMs)} connect timeout and reconnects (landing elsewhere only once the node is DOWN)`,
    file: facts.file,
    line: connect?.line ?? redispatch?.line,
    remedy: HAPROXY_RETRY_REMEDY,
  };
}
